export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

function line(level: string, message: string, data?: Record<string, unknown>): string {
  return JSON.stringify({ t: new Date().toISOString(), level, module: 'agenttools', message, ...data });
}

export const consoleLogger: Logger = {
  info: (m, d) => console.log(line('info', m, d)),
  warn: (m, d) => console.warn(line('warn', m, d)),
  error: (m, d) => console.error(line('error', m, d)),
};

/** Keeps what was logged, for tests that assert an error was reported. */
export class MemoryLogger implements Logger {
  readonly lines: { level: string; message: string; data?: Record<string, unknown> }[] = [];
  info(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, data });
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, data });
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, data });
  }
}
