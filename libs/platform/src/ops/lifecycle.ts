import { Injectable } from '@nestjs/common';

/** Whether this process should receive traffic: false until started, false again on shutdown. */
@Injectable()
export class Lifecycle {
  private readyFlag = false;
  private readonly listeners: Array<(ready: boolean) => void> = [];

  get ready(): boolean {
    return this.readyFlag;
  }

  setReady(ready: boolean): void {
    this.readyFlag = ready;
    for (const listener of this.listeners) listener(ready);
  }

  onChange(listener: (ready: boolean) => void): void {
    this.listeners.push(listener);
  }
}
