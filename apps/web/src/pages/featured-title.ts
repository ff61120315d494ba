import type { BrowseRow, Title } from '../schema/types';
import { isStoredArtwork } from '../ui/artwork-url';

/**
 * The home page's featured title: from Trending now (else the first row that is not the
 * profile's own Continue watching), the first title with a stored backdrop, then the first with
 * one in the rows below; the featured row's first title when no title on the page has one. The
 * hero is the widest image on the first screen: a title just added, whose artwork nobody has
 * uploaded yet, would fill it with a drawn stand-in while titles with real artwork wait below.
 */
export function featuredTitle(rows: readonly BrowseRow[]): Title | undefined {
  const featuredRow =
    rows.find((row) => row.id === 'trending') ?? rows.find((row) => row.id !== 'continue-watching');
  if (!featuredRow) return undefined;
  const others = rows.filter((row) => row !== featuredRow && row.id !== 'continue-watching');
  return (
    [featuredRow, ...others]
      .flatMap((row) => row.items)
      .find((title) => isStoredArtwork(title.artwork.backdropKey)) ?? featuredRow.items[0]
  );
}
