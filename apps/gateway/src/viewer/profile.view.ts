import { ApiProperty } from '@nestjs/swagger';
import {
  MATURITY_RATINGS,
  MaturityRating,
  type MaturityRatingName,
  type Profile,
} from '@kinema/contracts';

export class ProfileView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Ada' }) name!: string;
  @ApiProperty() kids!: boolean;
  @ApiProperty({
    enum: MATURITY_RATINGS.values,
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
        : (MATURITY_RATINGS.toName(profile.maxMaturity) ?? null),
    createdAt: (profile.createTime ?? new Date(0)).toISOString(),
  };
}
