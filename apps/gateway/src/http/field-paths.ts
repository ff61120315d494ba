// Services name fields as in the .proto (`title.genre_slugs[1]`, `update_mask`); clients know the
// REST names (`genres[1]`). This keeps problem+json field names in the client's vocabulary.
const RENAMES: Record<string, string> = {
  genre_slugs: 'genres',
  query: 'q',
  max_maturity: 'maxMaturity',
  update_mask: 'body',
};

export function restFieldPath(path: string): string {
  return path
    .replace(/^(title|visibility)\./, '')
    .split('.')
    .map((segment) => {
      const [name, ...index] = segment.split('[');
      const renamed =
        RENAMES[name] ?? name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
      return [renamed, ...index].join('[');
    })
    .join('.');
}
