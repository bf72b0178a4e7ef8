// The four subgraphs of the federation gateway benchmark (accounts, inventory, products,
// reviews), shaped like the public graphql-gateways-benchmark, served by one process with a
// minimal HTTP handler around graphql-js `execute` (the same for every gateway under test).
//
//   tsx bench/gateway/subgraphs.ts <first port>     → accounts, inventory, products, reviews on port … port+3;
//                                                     GET /__count on any of them: requests served by all four
import { createServer } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';

export const SDL = {
  accounts: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
    type Query { me: User users: [User] user(id: ID!): User }
    type User @key(fields: "id") { id: ID! name: String username: String @shareable birthday: Int }`,
  inventory: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])
    type Product @key(fields: "upc") { upc: String! weight: Int @external price: Int @external inStock: Boolean shippingEstimate: Int @requires(fields: "price weight") }`,
  products: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { topProducts(first: Int = 5): [Product] }
    type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`,
  reviews: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@provides"])
    type Review @key(fields: "id") { id: ID! body: String author: User @provides(fields: "username") product: Product }
    type User @key(fields: "id") { id: ID! username: String @external reviews: [Review] }
    type Product @key(fields: "upc") { upc: String! reviews: [Review] }`,
} as const;

export const QUERY = `fragment User on User { id username name }
fragment Review on Review { id body }
fragment Product on Product { inStock name price shippingEstimate upc weight }
query TestQuery {
  users { ...User reviews { ...Review product { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } } } }
  topProducts { ...Product reviews { ...Review author { ...User reviews { ...Review product { ...Product } } } } }
}`;

const users = Array.from({ length: 4 }, (_, i) => ({
  id: String(i + 1),
  name: `User ${i + 1}`,
  username: `user${i + 1}`,
  birthday: 1_990 + i,
}));
const products = Array.from({ length: 9 }, (_, i) => ({
  upc: String(i + 1),
  name: `Product ${i + 1}`,
  price: 10 + i * 7,
  weight: 100 + i * 13,
}));
const reviews = Array.from({ length: 12 }, (_, i) => ({
  id: String(i + 1),
  body: `Review ${i + 1}: ${'good '.repeat(1 + (i % 4))}`.trim(),
  authorId: String((i % users.length) + 1),
  upc: String((i % products.length) + 1),
}));
type Ref = Record<string, unknown>;

const resolvers = {
  accounts: {
    Query: { me: () => users[0], users: () => users, user: (_: unknown, { id }: { id: string }) => users.find((u) => u.id === id) },
    User: { __resolveReference: (ref: Ref) => users.find((u) => u.id === ref.id) },
  },
  inventory: {
    Product: {
      __resolveReference: (ref: Ref) => ({ ...ref, inStock: Number(ref.upc) % 3 !== 0 }),
      shippingEstimate: (p: Ref) => (Number(p.price) > 1_000 ? 0 : Math.round(Number(p.weight) * 0.5)),
    },
  },
  products: {
    Query: { topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first) },
    Product: { __resolveReference: (ref: Ref) => products.find((p) => p.upc === ref.upc) },
  },
  reviews: {
    Review: {
      __resolveReference: (ref: Ref) => reviews.find((r) => r.id === ref.id),
      author: (r: (typeof reviews)[number]) => ({ __typename: 'User', id: r.authorId, username: `user${r.authorId}` }),
      product: (r: (typeof reviews)[number]) => ({ __typename: 'Product', upc: r.upc }),
    },
    User: { reviews: (u: Ref) => reviews.filter((r) => r.authorId === u.id) },
    Product: { reviews: (p: Ref) => reviews.filter((r) => r.upc === p.upc) },
  },
};

/** Starts the four subgraphs on consecutive ports; resolves with their URLs. */
export async function startSubgraphs(firstPort: number): Promise<{ urls: Record<keyof typeof SDL, string>; count(): number }> {
  let served = 0;
  const urls = {} as Record<keyof typeof SDL, string>;
  for (const [index, name] of (Object.keys(SDL) as Array<keyof typeof SDL>).entries()) {
    const schema: GraphQLSchema = buildSubgraphSchema({ typeDefs: parse(SDL[name]), resolvers: resolvers[name] as never });
    const documents = new Map<string, DocumentNode>();
    const server = createServer((req, res) => {
      if (req.method === 'GET' && req.url === '/__count') return void res.end(JSON.stringify({ served }));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        served += 1;
        const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString()) as {
          query: string;
          variables?: Record<string, unknown>;
          operationName?: string;
        };
        let document = documents.get(query);
        if (!document) documents.set(query, (document = parse(query)));
        const result = await execute({ schema, document, variableValues: variables ?? null, operationName: operationName ?? null });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      });
    });
    await new Promise<void>((resolve) => server.listen(firstPort + index, '127.0.0.1', resolve));
    urls[name] = `http://127.0.0.1:${firstPort + index}/graphql`;
  }
  return { urls, count: () => served };
}

if (process.argv[1]?.endsWith('subgraphs.ts')) {
  const { urls } = await startSubgraphs(Number(process.argv[2] ?? 4201));
  console.log(JSON.stringify(urls));
}
