/** GraphQL of this part of the mobility module (registered by mobility.module.ts). */
export const learningAgreementResolvers: Function[] = [];
