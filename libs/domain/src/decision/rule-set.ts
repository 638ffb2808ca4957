/** Every decision names the rule set that made it; a change of rules is a change of version. */
export const RULE_SET = 'barplane-rules/2';
