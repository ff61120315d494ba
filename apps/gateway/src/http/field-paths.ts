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

/**
 * A service's description of one field, worded as the gateway's own checks word theirs: a rule
 * it states ("must …", "is …") starts with the field (`yearTo must not be before yearFrom`, not
 * `must not be before year_from`), and every field it names has its REST name.
 */
export function restFieldDescription(restPath: string, description: string): string {
  const named = description.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (field) => restFieldPath(field));
  const subject = restPath.split('.').pop();
  return subject && /^(must|is|are)\b/.test(named) ? `${subject} ${named}` : named;
}
