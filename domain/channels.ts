/**
 * How an application arrives (申请渠道), with the names people read. Pure and free of Temporal, so the API's
 * permission table and the console use the same list (the console imports it, never copies it).
 */
export const CHANNEL_LABELS = {
  online: '网上申请',
  walk_in: '窗口申请',
  hotline: '12348 热线',
  village_agent: '村居代办',
  notification: '通知辩护/代理',
} as const;
export type Channel = keyof typeof CHANNEL_LABELS;
export const CHANNELS = Object.keys(CHANNEL_LABELS) as [Channel, ...Channel[]];
