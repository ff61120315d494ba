/**
 * What the PGlite server must know of a client's SQL text to keep clients apart on PGlite's one
 * session: which statements change the session (settings, temporary objects, prepared statements),
 * and which need the server itself (COPY FROM STDIN, DISCARD ALL). It looks only at how statements
 * begin, after blanking comments, literals and quoted identifiers; a full SQL parser (libpg_query
 * compiled to WebAssembly, say) would cost more than PGlite itself for these few keywords.
 */

/**
 * The text with comments, string literals and dollar-quoted bodies turned into spaces and the
 * insides of quoted identifiers into underscores, each character kept in place: a position in it is
 * the same position in the text.
 */
function blanked(sql: string): string {
  return sql.replace(
    /--[^\n]*|\/\*[\s\S]*?\*\/|[eE]'(?:\\[\s\S]|[^'\\])*'|'(?:''|[^'])*'|"(?:""|[^"])*"|(\$[A-Za-z_]*\$)[\s\S]*?\1/g,
    (match) =>
      match.startsWith('"') ? `"${'_'.repeat(match.length - 2)}"` : ' '.repeat(match.length),
  );
}

interface Statement {
  /** Where it starts in the text (its first non-blank character). */
  start: number;
  /** The statement as blanked, lower case: for matching keywords. */
  code: string;
}

function statements(sql: string): Statement[] {
  const code = blanked(sql).toLowerCase();
  const found: Statement[] = [];
  let from = 0;
  for (const part of code.split(';')) {
    const lead = part.length - part.trimStart().length;
    if (part.trim() !== '') found.push({ start: from + lead, code: part.trim() });
    from += part.length + 1;
  }
  return found;
}

/** Whether any statement of this SQL text is a `COPY ... FROM STDIN`. */
export function copiesFromStdin(sql: string): boolean {
  return statements(sql).some((s) => /^copy\b[\s\S]*\bfrom\s+stdin\b/.test(s.code));
}

/** How a client's SQL text changes PGlite's one session beyond its own statements. */
export interface SessionEffects {
  /** SET, RESET or set_config(): a setting that outlives the statement (SET LOCAL does not). */
  settings: boolean;
  /** A temporary table, view or sequence is created. */
  temporary: boolean;
  /**
   * DISCARD ALL or TEMP, or DEALLOCATE ALL: on PGlite's one session they would reach every
   * client's statements and tables, so the server does them itself, for this client only.
   */
  discard?: 'DISCARD ALL' | 'DISCARD TEMP' | 'DEALLOCATE ALL';
  /** Statements in the text. */
  count: number;
}

export function sessionEffects(sql: string): SessionEffects {
  const found = statements(sql);
  const discard = found
    .map((s) => /^(discard\s+(?:all|temp|temporary)|deallocate\s+(?:prepare\s+)?all)$/.exec(s.code))
    .find(Boolean)?.[1];
  return {
    settings: found.some(
      (s) =>
        /^(?:reset\b|set\s+(?!local\b|transaction\b|constraints\b))/.test(s.code) ||
        /\bset_config\s*\(/.test(s.code),
    ),
    temporary: found.some((s) =>
      /\b(?:create\s+(?:or\s+replace\s+)?(?:(?:global|local)\s+)?(?:temp|temporary)\b|into\s+(?:temp|temporary)\b)/.test(
        s.code,
      ),
    ),
    ...(discard
      ? {
          discard: /^discard\s+all/.test(discard)
            ? ('DISCARD ALL' as const)
            : /^discard/.test(discard)
              ? ('DISCARD TEMP' as const)
              : ('DEALLOCATE ALL' as const),
        }
      : {}),
    count: found.length,
  };
}

/** The SQL text with the names of PREPARE, EXECUTE and DEALLOCATE given the client's prefix. */
export interface RenamedStatements {
  sql: string;
  /** Names (as the server now knows them) this text prepares. */
  prepared: string[];
  /** Names (likewise) this text deallocates. */
  deallocated: string[];
}

/**
 * Gives the SQL-level prepared statements of one client names of its own (`prefix` + name), as the
 * server does for the wire protocol's named statements, so two clients may PREPARE the same name.
 */
export function renamePreparedStatements(sql: string, prefix: string): RenamedStatements {
  const prepared: string[] = [];
  const deallocated: string[] = [];
  const edits: Array<{ at: number; length: number; name: string }> = [];
  for (const statement of statements(sql)) {
    const match = /^(prepare|execute|deallocate(?:\s+prepare)?)\s+([a-z_][a-z0-9_$]*|"_*")/.exec(
      statement.code,
    );
    const [whole, keyword, word] = match ?? [];
    if (!whole || !keyword || !word || (keyword.startsWith('deallocate') && word === 'all')) {
      continue;
    }
    const at = statement.start + whole.length - word.length;
    // Quoted: the name as written, quotes and all; unquoted: folded to lower case, as PostgreSQL does.
    const original = sql.slice(at, at + word.length);
    const name = original.startsWith('"')
      ? `"${prefix}${original.slice(1, -1)}"`
      : `${prefix}${original.toLowerCase()}`;
    edits.push({ at, length: word.length, name });
    const bare = name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name;
    if (keyword === 'prepare') prepared.push(bare);
    else if (keyword.startsWith('deallocate')) deallocated.push(bare);
  }
  let renamed = sql;
  for (const edit of edits.reverse()) {
    renamed = renamed.slice(0, edit.at) + edit.name + renamed.slice(edit.at + edit.length);
  }
  return { sql: renamed, prepared, deallocated };
}

/** A name as an SQL identifier, quoted. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
