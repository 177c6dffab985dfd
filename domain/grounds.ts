/** Grounds and routes the staff choose from (no Temporal import: the console and the API contract use them). */

/** L-9 (Law art. 48): grounds on which the agency must terminate legal aid. */
export const L9_GROUNDS = {
  deception: '以欺骗或者其他不正当手段获得法律援助',
  concealment_or_false_evidence: '故意隐瞒重要事实或者提供虚假证据',
  illegal_use: '利用法律援助从事违法活动',
  no_longer_qualifies: '经济状况发生变化，不再符合法律援助条件',
  case_ended_or_withdrawn: '案件终止审理或者已经被撤销',
  own_lawyer: '受援人自行委托律师或者其他代理人',
  asks_to_end: '受援人有正当理由要求终止法律援助',
  other_legal_ground: '法律法规规定的其他情形',
} as const;
export type L9Ground = keyof typeof L9_GROUNDS;

/** S-3.1 verification routes. */
export const VERIFICATION_ROUTES = {
  credit_lookup: '信用记录查询',
  shared_data: '共享数据查询',
  letter: '发函协查',
  field_check: '委托村居代办员实地核实',
  phone: '电话询问知情人',
} as const;
export type VerificationRoute = keyof typeof VERIFICATION_ROUTES;
