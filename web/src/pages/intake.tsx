import { useState } from 'react';
import { CONTRACT, pathOf } from '../../../api/contract';
import { call, newIdempotencyKey } from '../api';
import {
  AGENCIES,
  CASE_STAGE_LABELS,
  channelsFor,
  CHANNEL_LABELS,
  MATERIALS,
  MATTER_CATEGORIES,
  NOTIFICATION_CASE_STAGES,
  NOTIFICATION_GROUNDS,
  NOTIFYING_ORGANS,
  URGENCY_GROUND_LABELS,
  type ChannelCode,
} from '../labels';
import type { Session } from '../session';
import { ErrorBox, Section, useLoad } from '../ui';

interface CatalogueItem {
  code: string;
  name: string;
  kind: string;
  legalBasis?: string;
  requiredByDefault: boolean;
}

/**
 * Intake (受理登记): walk-in, filing for someone (village agent, hotline), notification cases (L-4), accepting with
 * documents missing (容缺受理, S-3.2). The API validates; its messages are shown per field.
 */
export function IntakePage({ session }: { session: Session }) {
  const channels = channelsFor(session.roles);
  const [v, setV] = useState<Record<string, string>>({
    agencyCode: session.agency && session.agency in AGENCIES ? session.agency : 'KQ',
    channel: channels[0] ?? 'walk_in',
    householdSize: '1',
    commitmentSigned: 'true',
  });
  const [materials, setMaterials] = useState<string[]>([]);
  // L-2: what staff additionally require from the catalogue (材料目录), listed in the one correction notice.
  const [required, setRequired] = useState<string[]>([]);
  const mayRequire = session.roles.some((r) => r === 'agency_staff' || r === 'agency_head' || r === 'city_centre');
  const catalogue = useLoad(
    () =>
      call<{ items: CatalogueItem[] }>(
        session,
        'GET',
        `${pathOf(CONTRACT.correctionItems.listItems)}?active=true${v.category ? `&matterCategory=${v.category}` : ''}`,
      ).then((r) => r.items),
    [session, v.category],
  );
  const items: CatalogueItem[] =
    catalogue.data ??
    Object.entries(MATERIALS).map(([code, name]) => ({ code, name, kind: 'material', requiredByDefault: true }));
  const chosen = required.filter((code) => items.some((i) => i.code === code && !i.requiredByDefault));
  const asked = items.filter((i) => i.requiredByDefault || chosen.includes(i.code));
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [filed, setFiled] = useState<{ applicationNo: string; statusCode?: string } | null>(null);
  // One key per filled-in form: pressing the button twice files once (the API answers the same application).
  const [key, setKey] = useState(() => newIdempotencyKey('intake'));
  const set = (name: string) => (e: { target: { value: string } }) => setV((x) => ({ ...x, [name]: e.target.value }));
  const check = (name: string) => (e: { target: { checked: boolean } }) =>
    setV((x) => ({ ...x, [name]: String(e.target.checked) }));
  const notification = v.channel === 'notification';

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
    const intake: Record<string, unknown> = {};
    if (v.correctionCommitment === 'true') intake.correctionCommitment = true;
    if (v.channel === 'village_agent') intake.paperMaterialsForwarded = v.paperMaterialsForwarded === 'true';
    // L-4: the organ's letter; no application, so no economic situation, and the identity as the organ gives it.
    if (notification)
      intake.notification = {
        organ: v.organ,
        organName: v.organName,
        letterNo: v.letterNo ?? '',
        noticeDate: v.noticeDate,
        caseStage: v.caseStage,
        ground: v.ground,
      };
    if (v.limitationDeadline) intake.limitationDeadline = v.limitationDeadline;
    if (v.urgencyGround) intake.urgency = { ground: v.urgencyGround, reason: v.urgencyReason ?? '' };
    const body = {
      agencyCode: v.agencyCode,
      channel: v.channel,
      applicant: {
        name: v.name ?? '',
        ...(!notification || v.idNumber ? { idNumber: v.idNumber ?? '' } : {}),
        ...(v.phone ? { phone: v.phone } : {}),
      },
      matter: { category: v.category, summary: v.summary ?? '' },
      ...(notification
        ? {}
        : {
            economicSituation: {
              householdSize: num(v.householdSize),
              monthlyHouseholdIncome: num(v.monthlyHouseholdIncome),
              commitmentSigned: v.commitmentSigned === 'true',
            },
          }),
      materialsSupplied: materials.filter((code) => asked.some((i) => i.code === code)),
      ...(chosen.length ? { materialsRequired: chosen } : {}),
      ...(Object.keys(intake).length ? { intake } : {}),
    };
    try {
      const res = await call<{ applicationNo: string; statusCode?: string }>(
        session,
        'POST',
        pathOf(CONTRACT.applications.create),
        body,
        { 'Idempotency-Key': key },
      );
      setFiled(res);
      setKey(newIdempotencyKey('intake'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const options = (o: Record<string, string>) =>
    Object.entries(o).map(([k, label]) => (
      <option key={k} value={k}>
        {label}
      </option>
    ));
  return (
    <Section title="受理登记" testId="intake">
      {filed && (
        <div className="card" data-testid="filed">
          已受理，申请编号 <a href={`#/case/${filed.applicationNo}`}>{filed.applicationNo}</a>
          {filed.statusCode && <span>；查询码 {filed.statusCode}（请告知申请人）</span>}
        </div>
      )}
      <form onSubmit={(e) => void submit(e)}>
        <label>
          <span>负责机构</span>
          <select name="agencyCode" value={v.agencyCode} onChange={set('agencyCode')}>
            {options(AGENCIES)}
          </select>
        </label>
        <label>
          <span>受理渠道</span>
          <select name="channel" value={v.channel} onChange={set('channel')}>
            {channels.map((c: ChannelCode) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>申请人</legend>
          <label>
            <span>姓名</span>
            <input name="name" value={v.name ?? ''} onChange={set('name')} />
          </label>
          <label>
            <span>公民身份号码</span>
            <input name="idNumber" value={v.idNumber ?? ''} onChange={set('idNumber')} />
          </label>
          <label>
            <span>手机号码</span>
            <input name="phone" value={v.phone ?? ''} onChange={set('phone')} />
          </label>
        </fieldset>
        <fieldset>
          <legend>申请事项</legend>
          <label>
            <span>事项类别</span>
            <select name="category" value={v.category ?? ''} onChange={set('category')}>
              <option value="">（请选择）</option>
              {options(MATTER_CATEGORIES)}
            </select>
          </label>
          <label>
            <span>案情摘要</span>
            <textarea name="summary" value={v.summary ?? ''} onChange={set('summary')} />
          </label>
          <label>
            <span>时效届满日（L-7）</span>
            <input
              type="date"
              name="limitationDeadline"
              value={v.limitationDeadline ?? ''}
              onChange={set('limitationDeadline')}
            />
          </label>
          <label>
            <span>情况紧急，先行受理（S-3.2、L-7）</span>
            <select name="urgencyGround" value={v.urgencyGround ?? ''} onChange={set('urgencyGround')}>
              <option value="">（不适用）</option>
              {options(URGENCY_GROUND_LABELS)}
            </select>
          </label>
          {v.urgencyGround ? (
            <label>
              <span>紧急情况说明</span>
              <textarea name="urgencyReason" value={v.urgencyReason ?? ''} onChange={set('urgencyReason')} />
            </label>
          ) : null}
        </fieldset>
        <fieldset>
          <legend>经济状况</legend>
          <label>
            <span>家庭人口</span>
            <input type="number" name="householdSize" value={v.householdSize ?? ''} onChange={set('householdSize')} />
          </label>
          <label>
            <span>家庭月收入（元）</span>
            <input
              type="number"
              name="monthlyHouseholdIncome"
              value={v.monthlyHouseholdIncome ?? ''}
              onChange={set('monthlyHouseholdIncome')}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              name="commitmentSigned"
              checked={v.commitmentSigned === 'true'}
              onChange={check('commitmentSigned')}
            />
            已签署经济困难状况诚信承诺（S-3.1）
          </label>
        </fieldset>
        {notification && (
          <fieldset data-testid="notification">
            <legend>通知辩护/代理（L-4）</legend>
            <label>
              <span>通知机关</span>
              <select name="organ" value={v.organ ?? ''} onChange={set('organ')}>
                <option value="">（请选择）</option>
                {options(NOTIFYING_ORGANS)}
              </select>
            </label>
            <label>
              <span>机关名称</span>
              <input name="organName" value={v.organName ?? ''} onChange={set('organName')} />
            </label>
            <label>
              <span>通知书文号</span>
              <input name="letterNo" value={v.letterNo ?? ''} onChange={set('letterNo')} />
            </label>
            <label>
              <span>通知日期</span>
              <input type="date" name="noticeDate" value={v.noticeDate ?? ''} onChange={set('noticeDate')} />
            </label>
            <label>
              <span>诉讼阶段</span>
              <select name="caseStage" value={v.caseStage ?? ''} onChange={set('caseStage')}>
                <option value="">（请选择）</option>
                {NOTIFICATION_CASE_STAGES.map((k) => (
                  <option key={k} value={k}>
                    {CASE_STAGE_LABELS[k]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span>通知理由</span>
              <select name="ground" value={v.ground ?? ''} onChange={set('ground')}>
                <option value="">（请选择）</option>
                {options(NOTIFICATION_GROUNDS)}
              </select>
            </label>
          </fieldset>
        )}
        <fieldset>
          <legend>已提交材料（缺少的可容缺受理，S-3.2）</legend>
          {asked.map(({ code: k, name: label, kind }) => (
            <label key={k} className="check">
              <input
                type="checkbox"
                name={`materials.${k}`}
                checked={materials.includes(k)}
                onChange={(e) => setMaterials((m) => (e.target.checked ? [...m, k] : m.filter((x) => x !== k)))}
              />
              {label}
              {kind === 'explanation' ? '（已作出说明）' : ''}
            </label>
          ))}
          {mayRequire && items.some((i) => !i.requiredByDefault) && (
            <fieldset data-testid="materials-required">
              <legend>另行要求的材料或说明（L-2：一并列入补正通知）</legend>
              {items
                .filter((i) => !i.requiredByDefault)
                .map(({ code: k, name: label, kind, legalBasis }) => (
                  <label key={k} className="check" title={legalBasis}>
                    <input
                      type="checkbox"
                      name={`required.${k}`}
                      checked={required.includes(k)}
                      onChange={(e) => setRequired((m) => (e.target.checked ? [...m, k] : m.filter((x) => x !== k)))}
                    />
                    {kind === 'explanation' ? `作出说明：${label}` : label}
                  </label>
                ))}
            </fieldset>
          )}
          <label className="check">
            <input
              type="checkbox"
              name="correctionCommitment"
              checked={v.correctionCommitment === 'true'}
              onChange={check('correctionCommitment')}
            />
            申请人承诺：逾期未补齐的，视为撤回申请（容缺受理）
          </label>
          {v.channel === 'village_agent' && (
            <label className="check">
              <input
                type="checkbox"
                name="paperMaterialsForwarded"
                checked={v.paperMaterialsForwarded === 'true'}
                onChange={check('paperMaterialsForwarded')}
              />
              纸质材料已转交（S-2.2）
            </label>
          )}
        </fieldset>
        <button type="submit" disabled={busy}>
          {busy ? '提交中…' : '提交申请'}
        </button>
      </form>
      <ErrorBox error={error} labels={FIELD_LABELS} />
    </Section>
  );
}

/** The API's field paths, as the form names them. */
const FIELD_LABELS: Record<string, string> = {
  agencyCode: '负责机构',
  channel: '受理渠道',
  'applicant.name': '姓名',
  'applicant.idNumber': '公民身份号码',
  'applicant.phone': '手机号码',
  'matter.category': '事项类别',
  'matter.summary': '案情摘要',
  'economicSituation.householdSize': '家庭人口',
  'economicSituation.monthlyHouseholdIncome': '家庭月收入',
  'economicSituation.commitmentSigned': '诚信承诺',
  'intake.notification': '通知信息',
  'intake.notification.organ': '通知机关',
  'intake.notification.organName': '机关名称',
  'intake.notification.letterNo': '通知书文号',
  'intake.notification.noticeDate': '通知日期',
  'intake.notification.caseStage': '诉讼阶段',
  'intake.notification.ground': '通知理由',
  'intake.correctionCommitment': '容缺受理承诺',
  materialsSupplied: '已提交材料',
  materialsRequired: '另行要求的材料或说明',
  'intake.limitationDeadline': '时效届满日',
  'intake.urgency.ground': '紧急情形',
  'intake.urgency.reason': '紧急情况说明',
  'intake.paperMaterialsForwarded': '纸质材料转交',
};
