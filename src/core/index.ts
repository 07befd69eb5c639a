/**
 * The pure core of Token Budget: budget year, workdays, ledger, budget status, projection,
 * formatting. Never imports 'vscode'.
 */
export * from './types';
export * from './dates';
export * from './budgetYear';
export * from './workdays';
export * from './ledger';
export * from './budget';
export * from './random';
export * from './stats';
export * from './projection';
export * from './format';
