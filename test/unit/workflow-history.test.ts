/**
 * 流程历史 labels (domain/workflow-history.ts): every staff step, signal, activity and workflow type has a Chinese
 * name, so the console never shows a code; times and durations read as people in China read them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createActivities } from '../../activities';
import * as definitions from '../../domain/definitions';
import {
  ACTIVITY_LABELS,
  durationLabel,
  formatCstSeconds,
  historyEventLabel,
  historyNameLabel,
  STEP_LABELS,
  WORKFLOW_TYPE_LABELS,
} from '../../domain/workflow-history';

describe('流程历史 labels', () => {
  test('every step and signal of domain/definitions.ts has a Chinese name', () => {
    const names = Object.values(definitions).flatMap((value) => {
      const v = value as { name?: unknown; signal?: unknown; type?: unknown };
      if (v && typeof v === 'object' && typeof v.name === 'string' && v.signal) return [v.name]; // defineStep
      if (v && typeof v === 'object' && v.type === 'signal' && typeof v.name === 'string') return [v.name]; // defineSignal
      return [];
    });
    expect(names).toEqual(expect.arrayContaining(['supplyMaterials', 'decide', 'terminateAid', 'assignEvaluator']));
    expect(names.filter((n) => !STEP_LABELS[n])).toEqual([]);
  });

  test('every activity and workflow type has a Chinese name, and only they', () => {
    const activities = Object.keys(createActivities({ prisma: {} as never }));
    expect(activities.filter((n) => !ACTIVITY_LABELS[n])).toEqual([]);
    // And no label for something that is not an activity (the API's reads are repositories, not activities).
    expect(Object.keys(ACTIVITY_LABELS).filter((n) => !activities.includes(n))).toEqual([]);
    const barrel = readFileSync(join(__dirname, '..', '..', 'workflows', 'index.ts'), 'utf8');
    const workflows = [...barrel.matchAll(/export \{([^}]+)\}/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()));
    expect(workflows).toContain('applicationWorkflow');
    expect(workflows.filter((n) => !WORKFLOW_TYPE_LABELS[n])).toEqual([]);
  });

  test('labels: the event type in Chinese, the name in 「」, a generic Chinese label for what is unknown', () => {
    expect(historyEventLabel('WorkflowExecutionSignaled', historyNameLabel('signal', 'supplyMaterials'))).toBe(
      '收到信号「登记补正材料」',
    );
    expect(historyEventLabel('ActivityTaskScheduled', historyNameLabel('activity', 'recordCase'))).toBe(
      '执行活动「写入案件记录」',
    );
    expect(historyEventLabel('WorkflowExecutionSignaled', historyNameLabel('signal', 'somethingNew'))).toBe('收到信号');
    expect(historyEventLabel('SomeFutureEvent', null)).toBe('其他事件');
    expect(historyEventLabel('TimerStarted', null, durationLabel(7 * 86_400_000 + 3_600_000))).toBe(
      '计时器（7 天 1 小时）',
    );
  });

  test('China time to the second; durations in days, hours, minutes, seconds', () => {
    expect(formatCstSeconds(new Date('2026-12-31T16:00:05.300Z'))).toBe('2027-01-01 00:00:05');
    expect(durationLabel(90_000)).toBe('1 分钟 30 秒');
    expect(durationLabel(15_000)).toBe('15 秒');
    expect(durationLabel(250)).toBe('250 毫秒');
  });
});
