/**
 * SelectorParser: RocketMQ's SQL92 grammar (filter/…/parser/SelectorParser.jj), as a chevrotain
 * lexer and parser building the expression tree of ./expression.
 *
 *   orExpression         := andExpression (OR andExpression)*
 *   andExpression        := equalityExpression (AND equalityExpression)*
 *   equalityExpression   := comparisonExpression ( '=' c | '<>' c | IS NULL | IS NOT NULL )*
 *   comparisonExpression := unary ( '>' u | '>=' u | '<' u | '<=' u
 *                                  | [NOT] (CONTAINS | STARTSWITH | ENDSWITH) string
 *                                  | [NOT] BETWEEN u AND u | [NOT] IN '(' string (',' string)* ')' )*
 *   unary                := '+' unary | '-' unary | NOT unary | primary
 *   primary              := literal | identifier | '(' orExpression ')'
 *
 * Keywords are case-insensitive; identifiers are `[a-zA-Z_$][a-zA-Z0-9_$]*`; strings are single-quoted
 * with '' for a quote; decimals are `0 | [1-9][0-9]*` with an optional L (RocketMQ's grammar has no hex
 * or octal literals); floats have a dot or an exponent; `--` and C comments are skipped.
 *
 * One deliberate difference: RocketMQ's entry rule does not require the end of input, so it ignores
 * whatever follows the first complete expression (`a = 0x1F` filters by `a = 0`, and `a = 1 b = 2`
 * by `a = 1`). Silently half-applying a filter loses or delivers the wrong messages, so here trailing
 * input is a parse error saying where it starts.
 */
import path from 'node:path';
import type { IToken, TokenType } from 'chevrotain';
import { javaCompare, FilterEvaluationError } from './expression-compiler';
import * as X from './expression';
import { FilterParseError, type Node } from './expression';

/**
 * chevrotain 11 is ESM only and the engine is CommonJS. Plain Node loads it with require(esm), but
 * tsx's require hook resolves chevrotain's own imports with the `require` condition, which its
 * packages do not export. Its single-file bundle (lib/chevrotain.mjs) has no imports, so requiring
 * that file works under both.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const chevrotain = require(path.join(path.dirname(require.resolve('chevrotain')), '..', 'chevrotain.mjs')) as typeof import('chevrotain');
const { createToken, EmbeddedActionsParser, EOF, Lexer } = chevrotain;

/**
 * Most tokens in one expression: an IN list of about 2,000 values. Each AND/OR adds a level to the
 * compiled closure chain, so this also bounds evaluation depth.
 */
export const selectorTokensMax = 4_096;
/** Deepest parenthesis nesting, and longest run of prefix NOT/+/-: the parser recurses on both. */
export const selectorNestingMax = 64;

const Identifier = createToken({ name: 'ID', pattern: /[a-zA-Z_$][a-zA-Z0-9_$]*/ });
const keyword = (name: string) => createToken({ name, pattern: new RegExp(name, 'i'), longer_alt: Identifier });
const Not = keyword('NOT');
const And = keyword('AND');
const Or = keyword('OR');
const Between = keyword('BETWEEN');
const In = keyword('IN');
const True = keyword('TRUE');
const False = keyword('FALSE');
const Null = keyword('NULL');
const Is = keyword('IS');
const Contains = keyword('CONTAINS');
const StartsWith = keyword('STARTSWITH');
const EndsWith = keyword('ENDSWITH');

const FloatLiteral = createToken({ name: 'FLOATING_POINT_LITERAL', pattern: /\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/ });
const DecimalLiteral = createToken({ name: 'DECIMAL_LITERAL', pattern: /0|[1-9]\d*[lL]?/ });
const StringLiteral = createToken({ name: 'STRING_LITERAL', pattern: /'(?:''|[^'])*'/, line_breaks: true });

const op = (name: string, image: string) => createToken({ name, pattern: image, label: `"${image}"` });
const NotEqual = op('NotEqual', '<>');
const GreaterEqual = op('GreaterEqual', '>=');
const LessEqual = op('LessEqual', '<=');
const Greater = op('Greater', '>');
const Less = op('Less', '<');
const Equal = op('Equal', '=');
const LParen = op('LParen', '(');
const RParen = op('RParen', ')');
const Comma = op('Comma', ',');
const Plus = op('Plus', '+');
const Minus = op('Minus', '-');

const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\n\r\f]+/, group: Lexer.SKIPPED, line_breaks: true });
const LineComment = createToken({ name: 'LINE_COMMENT', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
const BlockComment = createToken({ name: 'BLOCK_COMMENT', pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });

const KEYWORDS = [Not, And, Or, Between, In, True, False, Null, Is, Contains, StartsWith, EndsWith];
// Order matters where one token is a prefix of another: comments before '-', '<>'/'>=' before '<'/'>',
// floats before decimals, keywords before identifiers.
const ALL_TOKENS: TokenType[] = [
  WhiteSpace, LineComment, BlockComment, ...KEYWORDS, Identifier, FloatLiteral, DecimalLiteral, StringLiteral,
  NotEqual, GreaterEqual, LessEqual, Greater, Less, Equal, LParen, RParen, Comma, Plus, Minus,
];

const lexer = new Lexer(ALL_TOKENS, { positionTracking: 'full', ensureOptimizations: false });

function unquote(image: string): string {
  return image.slice(1, -1).replaceAll("''", "'");
}

/** Parse-time checks run through the factories; their number comparisons may fail like evaluation does. */
function built(make: () => Node): Node {
  try {
    return make();
  } catch (err) {
    if (err instanceof FilterEvaluationError) throw new FilterParseError(err.message);
    throw err;
  }
}

class SelectorGrammar extends EmbeddedActionsParser {
  constructor() {
    super(ALL_TOKENS, { maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  readonly selector = this.RULE('JmsSelector', (): Node => {
    const e = this.SUBRULE(this.orExpression);
    this.CONSUME(EOF);
    return this.ACTION(() => X.asBoolean(e));
  });

  private readonly orExpression = this.RULE('orExpression', (): Node => {
    let left = this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(Or);
      const right = this.SUBRULE2(this.andExpression);
      left = this.ACTION(() => X.or(left, right));
    });
    return left;
  });

  private readonly andExpression = this.RULE('andExpression', (): Node => {
    let left = this.SUBRULE(this.equalityExpression);
    this.MANY(() => {
      this.CONSUME(And);
      const right = this.SUBRULE2(this.equalityExpression);
      left = this.ACTION(() => X.and(left, right));
    });
    return left;
  });

  private readonly equalityExpression = this.RULE('equalityExpression', (): Node => {
    let left = this.SUBRULE(this.comparisonExpression);
    this.MANY(() => {
      this.OR([
        { ALT: () => { this.CONSUME(Equal); const r = this.SUBRULE2(this.comparisonExpression); left = this.ACTION(() => X.equal(left, r)); } },
        { ALT: () => { this.CONSUME(NotEqual); const r = this.SUBRULE3(this.comparisonExpression); left = this.ACTION(() => X.notEqual(left, r)); } },
        { ALT: () => { this.CONSUME(Is); this.CONSUME(Null); left = this.ACTION(() => X.isNull(left)); } },
        { ALT: () => { this.CONSUME2(Is); this.CONSUME(Not); this.CONSUME2(Null); left = this.ACTION(() => X.isNotNull(left)); } },
      ]);
    });
    return left;
  });

  private readonly comparisonExpression = this.RULE('comparisonExpression', (): Node => {
    let left = this.SUBRULE(this.unaryExpr);
    this.MANY(() => {
      const negated = this.OPTION(() => this.CONSUME(Not)) !== undefined;
      left = this.OR([
        { GATE: () => !negated, ALT: () => this.SUBRULE(this.relational, { ARGS: [left] }) },
        { ALT: () => this.SUBRULE(this.stringMatch, { ARGS: [left, negated] }) },
        { ALT: () => this.SUBRULE(this.betweenTail, { ARGS: [left, negated] }) },
        { ALT: () => this.SUBRULE(this.inTail, { ARGS: [left, negated] }) },
      ]);
    });
    return left;
  });

  private readonly relational = this.RULE('relational', (left: Node): Node => {
    const o = this.OR([
      { ALT: () => this.CONSUME(Greater) },
      { ALT: () => this.CONSUME(GreaterEqual) },
      { ALT: () => this.CONSUME(Less) },
      { ALT: () => this.CONSUME(LessEqual) },
    ]);
    const right = this.SUBRULE(this.unaryExpr);
    return this.ACTION(() => X.compare(o.image as '>' | '>=' | '<' | '<=', left, right));
  });

  private readonly stringMatch = this.RULE('stringMatch', (left: Node, negated: boolean): Node => {
    const kind = this.OR([
      { ALT: () => { this.CONSUME(Contains); return 'contains' as const; } },
      { ALT: () => { this.CONSUME(StartsWith); return 'startsWith' as const; } },
      { ALT: () => { this.CONSUME(EndsWith); return 'endsWith' as const; } },
    ]);
    const s = this.CONSUME(StringLiteral);
    return this.ACTION(() => X.stringMatch(kind, left, unquote(s.image), negated));
  });

  private readonly betweenTail = this.RULE('betweenTail', (left: Node, negated: boolean): Node => {
    this.CONSUME(Between);
    const low = this.SUBRULE(this.unaryExpr);
    this.CONSUME(And);
    const high = this.SUBRULE2(this.unaryExpr);
    return this.ACTION(() => built(() => (negated ? X.notBetween(left, low, high) : X.between(left, low, high, javaConstantCompare))));
  });

  private readonly inTail = this.RULE('inTail', (left: Node, negated: boolean): Node => {
    this.CONSUME(In);
    this.CONSUME(LParen);
    const values: string[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => { const s = this.CONSUME(StringLiteral); this.ACTION(() => values.push(unquote(s.image))); } });
    this.CONSUME(RParen);
    return this.ACTION(() => X.inList(left, values, negated));
  });

  private readonly unaryExpr = this.RULE('unaryExpr', (): Node =>
    this.OR([
      { ALT: () => { this.CONSUME(Plus); return this.SUBRULE(this.unaryExpr); } },
      { ALT: () => { this.CONSUME(Minus); const e = this.SUBRULE2(this.unaryExpr); return this.ACTION(() => X.negate(e)); } },
      { ALT: () => { this.CONSUME(Not); const e = this.SUBRULE3(this.unaryExpr); return this.ACTION(() => X.not(e)); } },
      { ALT: () => this.SUBRULE(this.primaryExpr) },
    ]),
  );

  private readonly primaryExpr = this.RULE('primaryExpr', (): Node =>
    this.OR([
      { ALT: () => this.SUBRULE(this.literal) },
      { ALT: () => { const t = this.CONSUME(Identifier); return this.ACTION(() => X.property(t.image)); } },
      { ALT: () => { this.CONSUME(LParen); const e = this.SUBRULE(this.orExpression); this.CONSUME(RParen); return e; } },
    ]),
  );

  private readonly literal = this.RULE('literal', (): Node =>
    this.OR([
      { ALT: () => { const t = this.CONSUME(StringLiteral); return this.ACTION(() => X.stringConstant(unquote(t.image))); } },
      { ALT: () => { const t = this.CONSUME(DecimalLiteral); return this.ACTION(() => X.decimalConstant(t.image)); } },
      { ALT: () => { const t = this.CONSUME(FloatLiteral); return this.ACTION(() => X.floatConstant(t.image)); } },
      { ALT: () => { this.CONSUME(True); return X.TRUE; } },
      { ALT: () => { this.CONSUME(False); return X.FALSE; } },
      { ALT: () => { this.CONSUME(Null); return X.NULL; } },
    ]),
  );
}

function javaConstantCompare(l: X.ConstantValue, r: X.ConstantValue): number {
  if (l === null || r === null) throw new FilterParseError('Illegal values of between, values can not be null!');
  return javaCompare(l, r);
}

const grammar = new SelectorGrammar();

function tokenText(t: IToken): string {
  return t.tokenType === EOF ? '<EOF>' : `"${t.image}"`;
}

/**
 * SelectorParser.parse: the expression tree of a SQL92 filter, or a FilterParseError whose message
 * says where it failed (`Encountered "between" at line 1, column 7. Was expecting one of: …`).
 */
export function parseSelector(sql: string): Node {
  const lexed = lexer.tokenize(sql);
  const lexError = lexed.errors[0];
  if (lexError) {
    const ch = sql.slice(lexError.offset, lexError.offset + 1);
    throw new FilterParseError(`Lexical error at line ${lexError.line ?? 1}, column ${lexError.column ?? 1}. Encountered: "${ch}"`, lexError.line, lexError.column);
  }
  checkNesting(lexed.tokens);
  grammar.input = lexed.tokens;
  const tree = grammar.selector();
  const syntaxError = grammar.errors[0];
  if (syntaxError) {
    const t = syntaxError.token;
    const line = Number.isFinite(t.startLine) ? (t.startLine as number) : lastLine(sql);
    const column = Number.isFinite(t.startColumn) ? (t.startColumn as number) : lastColumn(sql);
    throw new FilterParseError(`Encountered ${tokenText(t)} at line ${line}, column ${column}. ${expectation(syntaxError.message)}`, line, column);
  }
  return tree;
}

/** Refuses, before parsing, what would recurse too deep (the parser and the compiled closures recurse). */
function checkNesting(tokens: readonly IToken[]): void {
  if (tokens.length > selectorTokensMax) throw new FilterParseError(`expression has ${tokens.length} tokens, more than ${selectorTokensMax}`);
  let depth = 0;
  let prefixRun = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LParen) depth++;
    else if (type === RParen) depth--;
    prefixRun = type === Not || type === Plus || type === Minus ? prefixRun + 1 : 0;
    if (depth > selectorNestingMax || prefixRun > selectorNestingMax) {
      throw new FilterParseError(`expression nested more than ${selectorNestingMax} deep at line ${t.startLine ?? 1}, column ${t.startColumn ?? 1}`, t.startLine, t.startColumn);
    }
  }
}

/** Chevrotain's own list of what would have fit, reworded as RocketMQ's "Was expecting …". */
function expectation(message: string): string {
  const list = /one of these possible Token sequences:\s*([\s\S]*?)\s*but found/.exec(message);
  if (list?.[1]) {
    const options = list[1].split('\n').map((s) => s.replace(/^\s*\d+\.\s*/, '').replace(/^\[|\]$/g, '').trim()).filter(Boolean);
    return `Was expecting one of: ${options.map((o) => (o === 'EOF' ? '<EOF>' : o)).join(', ')}`;
  }
  const one = /Expecting (?:token of type )?-*>?\s*(.+?)\s*<-* but found/.exec(message);
  if (one?.[1]) return `Was expecting: ${one[1] === 'EOF' ? '<EOF>' : one[1]}`;
  return message;
}

function lastLine(sql: string): number {
  return sql.split(/\r\n|\r|\n/).length;
}

function lastColumn(sql: string): number {
  const lines = sql.split(/\r\n|\r|\n/);
  return (lines[lines.length - 1] as string).length + 1;
}
