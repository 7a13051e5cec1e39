import { DomainError } from '../../src/platform/errors/domain-error';
import { encodeCursor, fromGlobalId, pageRequest, parseGlobalId, toGlobalId } from '../../src/platform/graphql/relay';

const uuid = '0b9f4c2e-6f1a-4c3d-9e8b-1a2b3c4d5e6f';

describe('global IDs', () => {
  it('round-trip a type and uuid through an opaque, URL-safe string', () => {
    const id = toGlobalId('OrganisationalUnit', uuid);
    expect(id).not.toContain(uuid);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseGlobalId(id)).toEqual({ type: 'OrganisationalUnit', id: uuid });
    expect(fromGlobalId(id, 'OrganisationalUnit')).toBe(uuid);
  });

  it('refuse garbage and IDs of another type with INVALID_ID naming the field', () => {
    for (const bad of ['', 'abc', toGlobalId('OrganisationalUnit', 'not-a-uuid'), Buffer.from(`:${uuid}`).toString('base64url')]) {
      expect(() => parseGlobalId(bad, 'input.parentId')).toThrow(DomainError);
    }
    try {
      fromGlobalId(toGlobalId('Institution', uuid), 'OrganisationalUnit', 'input.parentId');
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toMatchObject({ category: 'BAD_USER_INPUT', reason: 'INVALID_ID', details: { field: 'input.parentId' } });
    }
  });
});

describe('page requests', () => {
  it('default to 20 rows and accept the configured maximum', () => {
    expect(pageRequest({}, 100)).toEqual({ first: 20, after: undefined });
    expect(pageRequest({ first: 50 }, 50).first).toBe(50);
    expect(pageRequest({}, 10).first).toBe(10);
  });

  it('refuse a page above the configured maximum even when the schema would allow it', () => {
    expect(() => pageRequest({ first: 51 }, 50)).toThrow(expect.objectContaining({ reason: 'PAGE_SIZE_OUT_OF_RANGE' }));
  });

  it('decode cursors they issued and refuse anything else with INVALID_CURSOR', () => {
    const cursor = encodeCursor(['ENG', uuid]);
    expect(pageRequest({ first: 5, after: cursor }, 100).after).toEqual({ values: ['ENG', uuid] });
    for (const bad of ['%%%', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[]').toString('base64url')]) {
      expect(() => pageRequest({ after: bad }, 100)).toThrow(expect.objectContaining({ reason: 'INVALID_CURSOR' }));
    }
  });
});
