import { FIRST_RELEASE_YEAR, latestReleaseYear } from '@kinema/contracts';
import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  ParameterObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { offlineOpenApiDocument } from '../openapi-document';

/** The schema keywords each validator must show up as, given its constraints. */
const DOCUMENTED_AS: Record<string, (constraints: unknown[]) => SchemaObject> = {
  isInt: () => ({ type: 'integer' }),
  min: ([value]) => ({ minimum: value as number }),
  max: ([value]) => ({ maximum: value as number }),
  minLength: ([value]) => ({ minLength: value as number }),
  maxLength: ([value]) => ({ maxLength: value as number }),
  matches: ([pattern]) => ({ pattern: (pattern as RegExp).source }),
  isIn: ([values]) => ({ enum: values as unknown[] }),
  arrayMaxSize: ([value]) => ({ maxItems: value as number }),
  isReleaseYear: () => ({
    type: 'integer',
    minimum: FIRST_RELEASE_YEAR,
    maximum: latestReleaseYear(),
  }),
};

function resolve(document: OpenAPIObject, schema: SchemaObject | undefined): SchemaObject {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  if (!ref) return schema ?? {};
  return document.components?.schemas?.[ref.split('/').pop() ?? ''] as SchemaObject;
}

/**
 * The document is generated from the code and must say what the validators enforce: every rule a
 * DTO's validators apply (integer, bounds, lengths, patterns, vocabularies) appears in its schema,
 * so a client generated from the document sends nothing the gateway then refuses.
 */
describe('the OpenAPI document', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    document = await offlineOpenApiDocument();
  });

  /**
   * Where a DTO is documented: the component schema of its name; for a base class (PartialType's
   * intermediate class) every schema with all its fields; for a query DTO, the query parameters
   * of each operation that takes exactly its fields.
   */
  function documentedAs(dto: string, fields: Set<string>): Array<Record<string, SchemaObject>> {
    const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
    const own = schemas[dto]?.properties as Record<string, SchemaObject> | undefined;
    if (own) return [own];
    const bodies = Object.values(document.paths)
      .flatMap((item) => Object.values(item) as Array<{ requestBody?: unknown }>)
      .flatMap((operation) =>
        Object.values(
          (operation.requestBody as { content?: Record<string, { schema?: { $ref?: string } }> })
            ?.content ?? {},
        ).map((media) => media.schema?.$ref),
      )
      .filter((ref): ref is string => ref !== undefined);
    const containing = [...new Set(bodies)]
      .map(
        (ref) =>
          (schemas[ref.split('/').pop() ?? '']?.properties ?? {}) as Record<string, SchemaObject>,
      )
      .filter((properties) => [...fields].every((field) => field in properties));
    const queries = Object.values(document.paths)
      .flatMap((item) => Object.values(item) as Array<{ parameters?: ParameterObject[] }>)
      .map((operation) =>
        Object.fromEntries(
          (operation.parameters ?? [])
            .filter((parameter) => parameter.in === 'query')
            .map((parameter) => [parameter.name, parameter.schema as SchemaObject]),
        ),
      )
      .filter((query) => {
        const names = Object.keys(query);
        return names.length === fields.size && names.every((name) => fields.has(name));
      });
    return [...containing, ...queries];
  }

  it("states every DTO validator's rule in the schema of the field it checks", () => {
    // class-validator keeps its registry private; reading it is the only way to list every DTO.
    const registry = (
      getMetadataStorage() as unknown as {
        validationMetadatas: Map<{ name: string }, ValidationMetadata[]>;
      }
    ).validationMetadatas;
    const mismatches: string[] = [];
    let checked = 0;
    for (const [target, rules] of registry) {
      const places = documentedAs(target.name, new Set(rules.map((rule) => rule.propertyName)));
      if (places.length === 0) mismatches.push(`${target.name} is validated but not documented`);
      for (const rule of rules) {
        const expected = rule.name ? DOCUMENTED_AS[rule.name] : undefined;
        if (!expected) continue;
        for (const properties of places) {
          const found = properties[rule.propertyName];
          if (!found) {
            mismatches.push(`${target.name}.${rule.propertyName} is validated but not documented`);
            continue;
          }
          const schema = rule.each
            ? resolve(document, found.items as SchemaObject)
            : resolve(document, found);
          for (const [keyword, value] of Object.entries(expected(rule.constraints ?? []))) {
            const actual = (schema as Record<string, unknown>)[keyword];
            // null is in a nullable enum's values and in IsIn's when null is accepted: not a rule.
            const values = (list: unknown) => (list as unknown[] | undefined)?.filter(Boolean);
            const same =
              keyword === 'enum'
                ? JSON.stringify(values(actual)) === JSON.stringify(values(value))
                : actual === value;
            checked++;
            if (!same) {
              mismatches.push(
                `${target.name}.${rule.propertyName} (${rule.name}): ${keyword} is ` +
                  `${JSON.stringify(actual)}, the validator's is ${JSON.stringify(value)}`,
              );
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('describes the HEAD of every GET, with its statuses and no bodies', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      if (!item.get) continue;
      expect({ path, head: Object.keys(item.head?.responses ?? {}) }).toEqual({
        path,
        head: Object.keys(item.get.responses),
      });
      for (const response of Object.values(item.head?.responses ?? {}))
        expect(response).not.toHaveProperty('content');
    }
  });

  it('lists null among the values of every nullable enum', () => {
    const nullable = JSON.stringify(document).match(/"enum":\[[^\]]*\],"nullable":true/g) ?? [];
    expect(nullable.length).toBeGreaterThan(0);
    for (const schema of nullable) expect(schema).toContain(',null]');
  });
});
