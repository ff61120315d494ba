import { ApiProperty } from '@nestjs/swagger';
import { MaturityRating, type Profile } from '@kinema/contracts';
import { maturityRatings, type MaturityRatingName } from '../catalog/catalog-vocabulary';

export class ProfileView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Ada' }) name!: string;
  @ApiProperty() kids!: boolean;
  @ApiProperty({
    enum: maturityRatings.values,
    nullable: true,
    description: 'Titles rated above this are hidden while browsing as this profile; null: none.',
  })
  maxMaturity!: MaturityRatingName | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ProfileListView {
  @ApiProperty({ type: [ProfileView] }) items!: ProfileView[];
}

export function profileView(profile: Profile): ProfileView {
  return {
    id: profile.id,
    name: profile.name,
    kids: profile.kids,
    maxMaturity:
      profile.maxMaturity === MaturityRating.MATURITY_RATING_UNSPECIFIED
        ? null
        : (maturityRatings.toRest(profile.maxMaturity) ?? null),
    createdAt: (profile.createTime ?? new Date(0)).toISOString(),
  };
}
