import { byId, groupedBy } from '../../platform/graphql/entity-loaders';
import { ContractAmendment, ContractLine, ContractReport, ContractSpending, GrantContract, NaCall, NaProposal, NaProposalLine } from './project.entity';

export const naCallById = byId('naCallById', NaCall);
export const proposalById = byId('naProposalById', NaProposal);
export const contractById = byId('grantContractById', GrantContract);
export const proposalByCall = groupedBy('naProposalByCall', NaProposal, 'naCall', { id: 'asc' });
export const proposalLines = groupedBy('naProposalLines', NaProposalLine, 'proposal', { mobilityType: 'asc' });
export const contractLines = groupedBy('grantContractLines', ContractLine, 'contract', { code: 'asc' });
export const contractAmendments = groupedBy('grantContractAmendments', ContractAmendment, 'contract', { signedOn: 'asc', recordedAt: 'asc' });
export const contractReports = groupedBy('grantContractReports', ContractReport, 'contract', { kind: 'asc' });
export const lineSpending = groupedBy('grantContractLineSpending', ContractSpending, 'line', { spentOn: 'asc', recordedAt: 'asc' });
