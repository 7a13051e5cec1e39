/** Reception, housing, stay, departure, transcripts, staff visits and the incoming dashboard. */
export const receptionResolvers: Function[] = [];
