import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Search attributes of application workflows: what managers filter on in Temporal's UI and `temporal workflow list`.
 * Never personal data (names, ID numbers, income, phone numbers): only stage, time and the agency's code.
 * Registered at start-up by platform/temporal.ts `ensureSearchAttributes`.
 */
export const STAGE_ATTR = defineSearchAttributeKey('LegalAidStage', SearchAttributeType.KEYWORD);
export const STAGE_ENTERED_AT_ATTR = defineSearchAttributeKey('LegalAidStageEnteredAt', SearchAttributeType.DATETIME);
export const AGENCY_ATTR = defineSearchAttributeKey('LegalAidAgency', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [STAGE_ATTR, STAGE_ENTERED_AT_ATTR, AGENCY_ATTR] as const;
