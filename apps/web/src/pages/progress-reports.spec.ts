import { describe, expect, it } from 'vitest';
import { savingChangesOnly, type ProgressReport } from './progress-reports';

const atEnd: ProgressReport = { titleId: 't1', positionSeconds: 3, durationSeconds: 3 };

function recording(answers: boolean[] = []) {
  const saved: ProgressReport[] = [];
  const save = savingChangesOnly(async (report) => {
    saved.push(report);
    return answers.shift() ?? true;
  });
  return { saved, save };
}

describe('savingChangesOnly', () => {
  it('saves a clip that played to its end once, though pause, ended and leaving each report it', async () => {
    const { saved, save } = recording();
    await Promise.all([save(atEnd), save({ ...atEnd })]);
    await save({ ...atEnd });
    expect(saved).toEqual([atEnd]);
  });

  it('saves every change, and a position it had saved before once another came between', async () => {
    const { saved, save } = recording();
    const middle = { ...atEnd, positionSeconds: 1 };
    const episode = { ...middle, episodeId: 'e1' };
    for (const report of [middle, atEnd, middle, episode, { ...episode, titleId: 't2' }])
      await save(report);
    expect(
      saved.map((report) => [report.titleId, report.episodeId, report.positionSeconds]),
    ).toEqual([
      ['t1', undefined, 1],
      ['t1', undefined, 3],
      ['t1', undefined, 1],
      ['t1', 'e1', 1],
      ['t2', 'e1', 1],
    ]);
  });

  it('sends a report again when the API did not save it, or the request failed', async () => {
    const { saved, save } = recording([false]);
    await save(atEnd);
    await save(atEnd);
    await save(atEnd);
    expect(saved).toHaveLength(2);

    let calls = 0;
    const failing = savingChangesOnly(async () => {
      calls += 1;
      if (calls === 1) throw new TypeError('Failed to fetch');
      return true;
    });
    await expect(failing(atEnd)).rejects.toThrow('Failed to fetch');
    await failing(atEnd);
    expect(calls).toBe(2);
  });
});
