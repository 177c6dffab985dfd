import { useState } from 'react';
import { CONTRACT, pathOf } from '../../../api/contract';
import { ApiFailure, call, get, query } from '../api';
import { MATERIALS } from '../labels';
import type { Session } from '../session';
import { cst, ErrorBox, Section, useLoad } from '../ui';

interface Photo {
  id: string;
  materialCode: string;
  fileName: string;
  sizeBytes: number;
  uploadedBy: string;
  uploadedAt: string;
}

/** Material photos (S-3.2): upload the photo, then record the material as supplied (the API's materials update). */
export function PhotoUpload({
  session,
  applicationNo,
  onDone,
  materials = MATERIALS,
}: {
  session: Session;
  applicationNo: string;
  onDone: () => void;
  /** L-2: the case's catalogue items by code (the common core when not known). */
  materials?: Record<string, string>;
}) {
  const [material, setMaterial] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [tick, setTick] = useState(0);
  const photos = useLoad(
    () => get<{ photos: Photo[] }>(session, pathOf(CONTRACT.photos.list, { applicationNo })),
    [applicationNo, tick],
  );
  const [preview, setPreview] = useState<string | null>(null);

  async function upload(e: React.FormEvent) {
    e.preventDefault();
    setError(undefined);
    setMessage('');
    if (!file) {
      setError(new ApiFailure(400, 'NO_FILE', '请选择要上传的照片', null));
      return;
    }
    setBusy(true);
    try {
      await call(
        session,
        'POST',
        pathOf(CONTRACT.photos.upload, { applicationNo }) + query({ material, fileName: file.name }),
        file,
        { 'Content-Type': file.type || 'application/octet-stream' },
      );
      const result = await call<{ missing?: string[] }>(
        session,
        'POST',
        pathOf(CONTRACT.applications.supplyMaterials, { applicationNo }),
        { items: [material] },
      );
      setMessage(
        `已上传并登记：${materials[material] ?? material}${result.missing?.length === 0 ? '；材料已齐全' : ''}`,
      );
      setTick((t) => t + 1);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function show(id: string) {
    const res = await fetch(pathOf(CONTRACT.photos.read, { applicationNo, photoId: id }), {
      headers: { Authorization: `Bearer ${session.token}` },
    });
    if (res.ok) setPreview(URL.createObjectURL(await res.blob()));
  }

  return (
    <Section title="材料照片" testId="photos">
      <form onSubmit={(e) => void upload(e)} data-testid="photo-upload">
        <label>
          <span>对应材料</span>
          <select name="material" value={material} onChange={(e) => setMaterial(e.target.value)}>
            <option value="">（请选择）</option>
            {Object.entries(materials).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>照片（JPEG/PNG/WebP，≤5MB）</span>
          <input
            type="file"
            name="photo"
            accept="image/jpeg,image/png,image/webp"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? '上传中…' : '上传并登记为已提交'}
        </button>
        {message && <span className="ok">{message}</span>}
      </form>
      <ErrorBox error={error} />
      <ErrorBox error={photos.error} />
      <table>
        <thead>
          <tr>
            <th>材料</th>
            <th>文件</th>
            <th>大小</th>
            <th>上传人</th>
            <th>时间</th>
            <th></th>
          </tr>
        </thead>
        <tbody data-testid="photo-list">
          {(photos.data?.photos ?? []).map((p) => (
            <tr key={p.id}>
              <td>{materials[p.materialCode] ?? p.materialCode}</td>
              <td>{p.fileName}</td>
              <td>{Math.ceil(p.sizeBytes / 1024)} KB</td>
              <td>{p.uploadedBy}</td>
              <td>{cst(p.uploadedAt)}</td>
              <td>
                <button type="button" onClick={() => void show(p.id)}>
                  查看
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {preview && <img src={preview} alt="材料照片" style={{ maxWidth: 320 }} />}
    </Section>
  );
}
