export const ROLES = ['APPLICANT', 'COORDINATOR', 'STAFF', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that see everything in the office's scope; coordinators see their units; applicants their own records. */
export const OFFICE_ROLES: readonly Role[] = ['STAFF', 'ADMIN'];

/**
 * Who is asking: decided once per operation from the bearer token. A visitor without a token is anonymous.
 * `units` are the organisational units a coordinator is scoped to (their sub-units are included by the
 * row-level scope functions).
 */
export class Viewer {
  constructor(
    readonly subject: string | null,
    readonly roles: readonly Role[],
    readonly units: readonly string[],
  ) {}

  static anonymous(): Viewer {
    return new Viewer(null, [], []);
  }

  get authenticated(): boolean {
    return this.subject !== null;
  }

  has(...roles: Role[]): boolean {
    return roles.some((r) => this.roles.includes(r));
  }

  get isOffice(): boolean {
    return this.has(...OFFICE_ROLES);
  }

  /** True when a coordinator's units meet the units (with ancestors) a record belongs to. */
  coordinates(scopeUnitIds: readonly string[]): boolean {
    return this.has('COORDINATOR') && scopeUnitIds.some((u) => this.units.includes(u));
  }
}
