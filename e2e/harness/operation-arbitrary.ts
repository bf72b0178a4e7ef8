import fc from 'fast-check';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';

/** One generated request: the query text and the JSON text of its variables (built as text: values may nest 100 000 deep). */
export interface GeneratedRequest {
  query: string;
  variablesJson: string;
}

/**
 * Requests over `schema`'s query type, decided by a stream of numbers fast-check generates (and
 * shrinks): selections of fields with arguments, aliases, `@include` / `@skip` on variables,
 * inline fragments, named fragments spreading each other, exponential spread chains (`F<i>`
 * spreads `F<i-1>` twice, up to 30 levels), variables of every input type including values
 * nested up to 100 000 deep, and now and then a field the schema does not have.
 * @param urns URNs worth asking for (known to the catalog behind the gateway)
 */
export function requestArbitrary(schema: GraphQLSchema, urns: string[]): fc.Arbitrary<GeneratedRequest> {
  return fc
    .array(fc.nat(1_000), { minLength: 1, maxLength: 300, size: 'max' })
    .map((choices) => new Builder(schema, urns, choices).request());
}

const DEEP = [1, 3, 10, 64, 65, 1_000, 100_000];

class Builder {
  private next = 0;
  private readonly variables: string[] = [];
  private readonly values: string[] = [];
  private readonly fragments: string[] = [];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly urns: string[],
    private readonly choices: number[],
  ) {}

  request(): GeneratedRequest {
    const root = this.selectionSet(this.schema.getQueryType()!, 0, this.pick([1, 2, 3, 4, 6]));
    const definitions = this.variables.length ? `(${this.variables.join(', ')})` : '';
    return {
      query: [`query Fuzz${definitions} ${root}`, ...this.fragments].join('\n'),
      variablesJson: `{${this.values.join(',')}}`,
    };
  }

  /** The next choice, 0 when the stream is used up (shrinking shortens it). */
  private choose(bound: number): number {
    const value = this.choices[this.next++] ?? 0;
    return bound <= 0 ? 0 : value % bound;
  }

  /** Whether to add something optional; never once the stream is used up, so every document is finite. */
  private chance(percent: number): boolean {
    const value = this.choices[this.next++];
    return value !== undefined && value % 100 < percent;
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.choose(items.length)]!;
  }

  private selectionSet(type: GraphQLCompositeType, depth: number, width: number): string {
    const parts: string[] = [];
    for (let i = 0; i < width; i += 1) parts.push(this.selection(type, depth));
    if (this.chance(15)) parts.push(this.spread(type, depth));
    if (this.chance(10)) parts.push(this.chain(type));
    return `{ ${parts.join(' ')} }`;
  }

  private selection(type: GraphQLCompositeType, depth: number): string {
    if (this.chance(10)) {
      const target = this.pick(isObjectType(type) ? [type] : this.schema.getPossibleTypes(type));
      return `...${this.chance(50) ? ` on ${target.name}` : ''}${this.directive()} ${this.selectionSet(target, depth, 1)}`;
    }
    if (this.chance(3)) return `unknownField${this.choose(3)}`; // refused by validation
    if (!isObjectType(type) && !isInterfaceType(type)) return '__typename';
    const fields = Object.values(type.getFields()).filter((f) => !f.name.startsWith('_'));
    const field = this.pick(fields);
    const alias = this.chance(20) ? `a${this.choose(40)}: ` : '';
    const args = field.args.filter((a) => isNonNullType(a.type) || this.chance(40)).map((a) => `${a.name}: ${this.argument(a)}`);
    const named = getNamedType(field.type);
    const head = `${alias}${field.name}${args.length ? `(${args.join(', ')})` : ''}${this.directive()}`;
    if (!isCompositeType(named)) return head;
    if (depth >= 7) return `${head} { __typename }`;
    return `${head} ${this.selectionSet(named, depth + 1, this.pick([1, 1, 2, 3]))}`;
  }

  /** A named fragment on `type`, defined once and spread here. */
  private spread(type: GraphQLCompositeType, depth: number): string {
    const name = `G${this.fragments.length}`;
    this.fragments.push(''); // reserve the name: the body may define fragments of its own
    const index = this.fragments.length - 1;
    this.fragments[index] = `fragment ${name} on ${type.name} ${this.selectionSet(type, depth, this.pick([1, 2]))}`;
    return `...${name}${this.directive()}`;
  }

  /** `...C<n>_<levels>` where `C<n>_<i>` spreads `C<n>_<i-1>` twice: 2^levels uses of one small fragment. */
  private chain(type: GraphQLCompositeType): string {
    const levels = this.pick([1, 4, 8, 12, 16, 20, 24, 30]);
    const id = `C${this.fragments.length}`;
    const base = isObjectType(type) || isInterfaceType(type) ? this.selection(type, 6) : '__typename';
    this.fragments.push(`fragment ${id}_0 on ${type.name} { ${base} }`);
    for (let i = 1; i <= levels; i += 1) this.fragments.push(`fragment ${id}_${i} on ${type.name} { ...${id}_${i - 1} ...${id}_${i - 1} }`);
    return `...${id}_${levels}`;
  }

  private directive(): string {
    if (!this.chance(15)) return '';
    const name = this.pick(['include', 'skip']);
    return this.chance(50) ? ` @${name}(if: ${this.variable('Boolean!', this.pick(['true', 'false']))})` : ` @${name}(if: true)`;
  }

  private argument(argument: GraphQLArgument): string {
    const type = argument.type;
    if (this.chance(40)) return this.variable(String(type), this.chance(15) ? this.deepValue() : this.json(type, 0));
    return this.literal(type, 0);
  }

  /** Declares a variable of `type` with the JSON text `value`; returns `$name`. */
  private variable(type: string, value: string): string {
    const name = `v${this.variables.length}`;
    this.variables.push(`$${name}: ${type}`);
    this.values.push(`"${name}":${value}`);
    return `$${name}`;
  }

  private deepValue(): string {
    const depth = this.pick(DEEP);
    return this.chance(50) ? `${'['.repeat(depth)}"x"${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  }

  /** A GraphQL literal of `type` (sometimes of a wrong one). */
  private literal(type: GraphQLInputType, depth: number): string {
    const inner = getNullableType(type);
    if (isListType(inner)) return `[${this.literal(inner.ofType, depth + 1)}]`;
    if (isEnumType(inner)) return this.chance(90) ? this.pick(inner.getValues()).name : 'NOT_A_VALUE';
    if (isInputObjectType(inner)) {
      const fields = Object.values(inner.getFields()).filter((f) => isNonNullType(f.type) || this.chance(30));
      return `{ ${fields.map((f) => `${f.name}: ${depth > 3 ? 'null' : this.literal(f.type, depth + 1)}`).join(', ')} }`;
    }
    return JSON.stringify(this.scalar(inner.name));
  }

  /** The JSON text of a variable value of `type`. */
  private json(type: GraphQLInputType, depth: number): string {
    const inner = getNullableType(type);
    if (isListType(inner)) return `[${this.json(inner.ofType, depth + 1)}]`;
    if (isEnumType(inner)) return JSON.stringify(this.chance(90) ? this.pick(inner.getValues()).name : 'NOT_A_VALUE');
    if (isInputObjectType(inner)) {
      const fields = Object.values(inner.getFields()).filter((f) => isNonNullType(f.type) || this.chance(30));
      return `{${fields.map((f) => `"${f.name}":${depth > 3 ? 'null' : this.json(f.type, depth + 1)}`).join(',')}}`;
    }
    if (inner.name === 'JSON' && this.chance(30)) return this.deepValue();
    return JSON.stringify(this.scalar(inner.name));
  }

  private scalar(name: string): unknown {
    switch (name) {
      case 'Int':
        return this.pick([0, 1, 5, 20, 100, 500, 501, -1, 2 ** 31]);
      case 'Float':
        return this.pick([0, 0.5, -1, 1e308]);
      case 'Boolean':
        return this.chance(50);
      case 'DateTime':
        return this.pick(['2026-01-01T00:00:00Z', '2026-13-45T99:00:00Z', 'yesterday']);
      case 'JSON':
        return this.pick([{}, { baseUrl: 'http://127.0.0.1:9' }, [1, 'two'], 'text']);
      default:
        return this.pick([...this.urns, 'x', 'dictamesh:x:y:1', 'u\u0000nul', 'long'.repeat(this.pick([1, 1_000]))]);
    }
  }
}
