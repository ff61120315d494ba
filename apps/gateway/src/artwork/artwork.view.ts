import { ApiProperty } from '@nestjs/swagger';
import { STORED_ARTWORK_KEY } from '@kinema/contracts';

/** A stored image: its key goes into a title's `artwork`. */
export class StoredArtworkView {
  @ApiProperty({
    pattern: STORED_ARTWORK_KEY.source,
    example: `artwork/poster/${'3f'.repeat(32)}`,
    description:
      'Put it in a title’s artwork.posterKey or backdropKey. Its images are at ' +
      '/api/v1/{key}/{width}.webp for each width of the kind.',
  })
  key!: string;
  @ApiProperty({ type: 'integer', description: 'Width of the image sent, in pixels.' })
  width!: number;
  @ApiProperty({ type: 'integer', description: 'Height of the image sent, in pixels.' })
  height!: number;
}
