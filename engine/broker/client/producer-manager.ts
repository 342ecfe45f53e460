/** ProducerManager: producer groups and their live connections (for connection lists and transaction checks). */
import type { ClientChannel, ClientChannelInfo } from './client-channel';

export class ProducerManager {
  private readonly groups = new Map<string, Map<ClientChannel, ClientChannelInfo>>();

  constructor(private readonly channelExpiredMs: number) {}

  register(group: string, client: ClientChannelInfo): void {
    let members = this.groups.get(group);
    if (!members) {
      members = new Map();
      this.groups.set(group, members);
    }
    members.set(client.channel, client);
  }

  unregister(group: string, channel: ClientChannel): void {
    const members = this.groups.get(group);
    if (!members) return;
    members.delete(channel);
    if (members.size === 0) this.groups.delete(group);
  }

  onChannelClose(channel: ClientChannel): void {
    for (const group of [...this.groups.keys()]) this.unregister(group, channel);
  }

  scanExpired(now = Date.now()): number {
    let dropped = 0;
    for (const [group, members] of [...this.groups]) {
      for (const [channel, client] of members) {
        if (now - client.lastUpdate > this.channelExpiredMs) {
          this.unregister(group, channel);
          dropped += 1;
        }
      }
    }
    return dropped;
  }

  members(group: string): ClientChannelInfo[] {
    return [...(this.groups.get(group)?.values() ?? [])];
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** Any live producer channel of the group (transaction check-back goes to one of them). */
  anyChannel(group: string): ClientChannel | undefined {
    for (const client of this.groups.get(group)?.values() ?? []) {
      if (client.channel.isActive) return client.channel;
    }
    return undefined;
  }
}
