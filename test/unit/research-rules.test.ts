import { fieldMatches, isTopicId, isValidField, matchedFields, normaliseFields, subscriptionMatches, canMoveSupport, allowedSupportMoves } from '../../src/modules/research/research.rules';
import { ResearchSupportStatus as S } from '../../src/modules/research/research.entity';

describe('topic identifiers', () => {
  it.each(['HORIZON-CL5-2027-D3-01-05', 'HORIZON-CL4-2027-DIGITAL-EMERGING-01-10', 'ERC-2027-STG', 'HORIZON-MSCA-2027-PF-01-01', 'DIGITAL-2026-AI-08', 'OC-2026-2'])(
    'accepts %s',
    (id) => expect(isTopicId(id)).toBe(true),
  );
  it.each(['horizon-cl5-2027', 'HORIZON CL5 2027', 'HORIZON--CL5', 'HORIZON-', '-CL5-2027', 'HORIZON', 'HORIZON-CL5-2027-D3-01-05-A-B-C-D-E-F', 'HORİZON-CL5'])(
    'refuses %s',
    (id) => expect(isTopicId(id)).toBe(false),
  );
});

describe('fields', () => {
  it('normalises case, spaces and duplicates, keeping the order given', () => {
    expect(normaliseFields([' Artificial  Intelligence ', '06', 'artificial intelligence', '0613'])).toEqual(['artificial intelligence', '06', '0613']);
  });

  it('takes ISCED-F codes of 2–4 digits and keywords of 2–40 characters', () => {
    expect(['06', '061', '0613', 'renewable energy', 'yapay zekâ', 'ai'].every(isValidField)).toBe(true);
    expect(['6', '06131', 'AI', 'a', 'ai!', '-ai', 'x'.repeat(41)].some(isValidField)).toBe(false);
  });

  it('matches ISCED codes along the hierarchy both ways, and keywords exactly', () => {
    expect(fieldMatches('06', '0613')).toBe(true);
    expect(fieldMatches('061', '0613')).toBe(true);
    expect(fieldMatches('0613', '06')).toBe(true);
    expect(fieldMatches('0613', '0613')).toBe(true);
    expect(fieldMatches('0612', '0613')).toBe(false);
    expect(fieldMatches('07', '0613')).toBe(false);
    expect(fieldMatches('ai', 'aircraft')).toBe(false);
    expect(fieldMatches('robotics', 'robotics')).toBe(true);
    expect(fieldMatches('06', '06 energy')).toBe(false);
  });

  it('names the subscriber’s fields that matched', () => {
    expect(matchedFields(['06', 'history', '0713'], ['0613', '0713'])).toEqual(['06', '0713']);
  });

  it('matches a subscription by programme and field; empty lists mean any, and a call without fields is open to all', () => {
    const call = { fields: ['0613'], programme: 'HORIZON_EUROPE' };
    expect(subscriptionMatches({ fields: ['06'], programmes: [] }, call)).toBe(true);
    expect(subscriptionMatches({ fields: ['06'], programmes: ['ERC'] }, call)).toBe(false);
    expect(subscriptionMatches({ fields: ['07'], programmes: [] }, call)).toBe(false);
    expect(subscriptionMatches({ fields: [], programmes: ['HORIZON_EUROPE'] }, call)).toBe(true);
    expect(subscriptionMatches({ fields: ['07'], programmes: ['ERC'] }, { fields: [], programme: 'ERC' })).toBe(true);
    expect(subscriptionMatches({ fields: ['07'], programmes: ['MSCA'] }, { fields: [], programme: 'ERC' })).toBe(false);
  });
});

describe('support request steps', () => {
  it('lets the office take on, complete or decline, and the researcher withdraw, from open states only', () => {
    expect(canMoveSupport(S.SUBMITTED, S.IN_PROGRESS, 'OFFICE')).toBe(true);
    expect(canMoveSupport(S.SUBMITTED, S.COMPLETED, 'OFFICE')).toBe(false);
    expect(canMoveSupport(S.IN_PROGRESS, S.WITHDRAWN, 'RESEARCHER')).toBe(true);
    expect(canMoveSupport(S.IN_PROGRESS, S.WITHDRAWN, 'OFFICE')).toBe(false);
    expect(allowedSupportMoves(S.IN_PROGRESS, 'OFFICE')).toEqual([S.COMPLETED, S.DECLINED]);
    expect(allowedSupportMoves(S.COMPLETED, 'OFFICE')).toEqual([]);
  });
});
