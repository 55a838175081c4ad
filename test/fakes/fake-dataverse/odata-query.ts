// The part of OData's $filter and $orderby the fake Dataverse understands: comparisons
// (eq ne gt ge lt le) of a column with a literal (string, number, true/false, null, GUID, date-time),
// joined by and/or, with parentheses. Anything else is a 400, as Dataverse answers an unknown query.
export type Row = Record<string, unknown>;

export class QueryError extends Error {
  override readonly name = 'QueryError';
}

type Token = { kind: 'word'; text: string } | { kind: 'string'; text: string } | { kind: 'open' } | { kind: 'close' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] ?? '';
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '(') {
      tokens.push({ kind: 'open' });
      index += 1;
    } else if (char === ')') {
      tokens.push({ kind: 'close' });
      index += 1;
    } else if (char === "'") {
      let value = '';
      index += 1;
      for (;;) {
        if (index >= text.length) throw new QueryError('Syntax error: unterminated string literal in $filter.');
        if (text[index] === "'" && text[index + 1] === "'") {
          value += "'";
          index += 2;
        } else if (text[index] === "'") {
          index += 1;
          break;
        } else {
          value += text[index];
          index += 1;
        }
      }
      tokens.push({ kind: 'string', text: value });
    } else {
      const match = /^[^\s()']+/.exec(text.slice(index));
      const word = match?.[0] ?? char;
      tokens.push({ kind: 'word', text: word });
      index += word.length;
    }
  }
  return tokens;
}

export type Predicate = (row: Row) => boolean;
const OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
type Operator = (typeof OPERATORS)[number];
const isOperator = (word: string): word is Operator => (OPERATORS as readonly string[]).includes(word);

function literal(token: Token | undefined): unknown {
  if (token === undefined) throw new QueryError('Syntax error: a value is missing at the end of $filter.');
  if (token.kind === 'string') return token.text;
  if (token.kind !== 'word') throw new QueryError('Syntax error: a value was expected in $filter.');
  const word = token.text;
  if (word === 'null') return null;
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(word)) return word.toLowerCase();
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(word)) return word;
  throw new QueryError(`Syntax error: '${word}' is not a value the fake understands in $filter.`);
}

function compare(left: unknown, right: unknown): number | null {
  if (left === null || left === undefined || right === null) return null;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right);
  if (typeof left === 'string' && typeof right === 'string') {
    const leftDate = Date.parse(left);
    const rightDate = Date.parse(right);
    if (/^\d{4}-\d{2}-\d{2}/.test(left) && /^\d{4}-\d{2}-\d{2}/.test(right) && !Number.isNaN(leftDate) && !Number.isNaN(rightDate)) return leftDate - rightDate;
    // Dataverse's default collation is case-insensitive.
    return left.toLowerCase().localeCompare(right.toLowerCase());
  }
  return null;
}

function comparison(column: string, operator: Operator, value: unknown): Predicate {
  return (row) => {
    const actual = row[column] ?? null;
    if (value === null) {
      if (operator === 'eq') return actual === null;
      if (operator === 'ne') return actual !== null;
      return false;
    }
    const order = compare(actual, value);
    if (order === null) return operator === 'ne';
    switch (operator) {
      case 'eq':
        return order === 0;
      case 'ne':
        return order !== 0;
      case 'gt':
        return order > 0;
      case 'ge':
        return order >= 0;
      case 'lt':
        return order < 0;
      case 'le':
        return order <= 0;
    }
  };
}

/** Parses a $filter; `checkColumn` throws for a column the table does not have. */
export function parseFilter(text: string, checkColumn: (column: string) => void): Predicate {
  const tokens = tokenize(text);
  let position = 0;
  const peekWord = (): string | undefined => {
    const token = tokens[position];
    return token?.kind === 'word' ? token.text : undefined;
  };
  const orExpression = (): Predicate => {
    let predicate = andExpression();
    while (peekWord() === 'or') {
      position += 1;
      const left = predicate;
      const right = andExpression();
      predicate = (row) => left(row) || right(row);
    }
    return predicate;
  };
  const andExpression = (): Predicate => {
    let predicate = primary();
    while (peekWord() === 'and') {
      position += 1;
      const left = predicate;
      const right = primary();
      predicate = (row) => left(row) && right(row);
    }
    return predicate;
  };
  const primary = (): Predicate => {
    const token = tokens[position];
    if (token?.kind === 'open') {
      position += 1;
      const inner = orExpression();
      if (tokens[position]?.kind !== 'close') throw new QueryError("Syntax error: ')' expected in $filter.");
      position += 1;
      return inner;
    }
    if (token?.kind !== 'word') throw new QueryError('Syntax error: a column name was expected in $filter.');
    const column = token.text;
    checkColumn(column);
    const operator = tokens[position + 1];
    if (operator?.kind !== 'word' || !isOperator(operator.text)) throw new QueryError(`Syntax error: the fake supports only eq, ne, gt, ge, lt and le after '${column}' in $filter.`);
    const value = literal(tokens[position + 2]);
    position += 3;
    return comparison(column, operator.text, value);
  };
  const predicate = orExpression();
  if (position !== tokens.length) throw new QueryError('Syntax error: unexpected text at the end of $filter.');
  return predicate;
}

/** `modifiedon desc,name` → a comparator. */
export function parseOrderBy(text: string, checkColumn: (column: string) => void): (left: Row, right: Row) => number {
  const keys = text.split(',').map((part) => {
    const [column = '', direction = 'asc'] = part.trim().split(/\s+/);
    checkColumn(column);
    if (direction !== 'asc' && direction !== 'desc') throw new QueryError(`Syntax error: '${direction}' is not asc or desc in $orderby.`);
    return { column, sign: direction === 'desc' ? -1 : 1 };
  });
  return (left, right) => {
    for (const { column, sign } of keys) {
      const order = compare(left[column] ?? null, right[column] ?? null) ?? (left[column] == null ? (right[column] == null ? 0 : -1) : 1);
      if (order !== 0) return order * sign;
    }
    return 0;
  };
}
