/**
 * Rows in and out of direct statements (knex through the ORM's connection), typed as the
 * entity schemas say, without the unit of work: the flow and token paths run a handful of
 * statements per request, and building managed entities (em.insert, em.find, em.map, which
 * merges into an identity map) cost more CPU than the statements themselves (issue 10).
 */
import type { EntitySchema } from '@mikro-orm/core';
import type { Orm } from './orm.js';
import { JsonTextType } from './json-text-type.js';

const JSON_TEXT = new JsonTextType();

/** A JSON column's stored text (JSON in a text column on every dialect). */
export const jsonText = (value: unknown): string | null => JSON_TEXT.convertToDatabaseValue(value);

/** A date as the dialect stores it (SQLite: epoch ms; the others: Date). */
export function dbDate(orm: Orm, d: Date | null): Date | number | null {
  return d === null ? null : (orm.em.getPlatform().processDateProperty(d) as Date | number);
}

/**
 * Maps a raw row of `schema`'s table to its typed shape: dates, booleans and the JSON text
 * columns converted per dialect, as a find would, but no entity is built or tracked.
 */
export function rowMapper<T extends object>(orm: Orm, schema: EntitySchema<T>): (row: Record<string, unknown>) => T {
  const meta = orm.getMetadata().get(schema.meta.className);
  const platform = orm.em.getPlatform();
  const driver = orm.em.getDriver();
  const custom = meta.props.filter((p) => p.customType !== undefined);
  return (row) => {
    const data = driver.mapResult(row as never, meta) as Record<string, unknown>;
    for (const prop of custom) {
      if (prop.name in data) data[prop.name] = prop.customType?.convertToJSValue(data[prop.name], platform);
    }
    return data as T;
  };
}

/** The ORM's own exception class for a driver error (UniqueConstraintViolationException, …). */
export function converted(orm: Orm, err: unknown): unknown {
  return err instanceof Error ? orm.em.getDriver().convertException(err) : err;
}
