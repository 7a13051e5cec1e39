/** Nominations, the nominee's application, decisions and the receiving side of learning agreements. */
export const intakeResolvers: Function[] = [];
