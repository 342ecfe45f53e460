/**
 * ScheduleMessageService's file: config/delayOffset.json — offsetTable keyed by delay level
 * (bare integer keys) → next SCHEDULE_TOPIC_XXXX queue offset to deliver.
 */
import { ConfigFile, DataVersion, newDataVersion, nextDataVersion, readDataVersion } from './config-file';
import { IntKeyMap } from './fastjson';

export class DelayOffsetFile {
  private readonly file: ConfigFile;
  readonly offsetTable = new Map<number, number>();
  dataVersion: DataVersion = newDataVersion();

  constructor(filePath: string) {
    this.file = new ConfigFile(filePath);
  }

  load(): void {
    const raw = this.file.load() as { dataVersion?: unknown; offsetTable?: Record<string, number> } | null;
    if (!raw) return;
    this.dataVersion = readDataVersion(raw.dataVersion);
    for (const [level, off] of Object.entries(raw.offsetTable ?? {})) this.offsetTable.set(Number(level), Number(off));
  }

  persist(): void {
    nextDataVersion(this.dataVersion);
    this.file.persist({ dataVersion: this.dataVersion, offsetTable: new IntKeyMap([...this.offsetTable].sort((a, b) => a[0] - b[0])) });
  }
}
