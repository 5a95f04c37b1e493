import { describe, expect, it } from 'vitest';
import { InvalidStateError, assertTransition, type TransitionTable } from './fsm.ts';

type Door = 'open' | 'closed' | 'locked';
const DOOR: TransitionTable<Door> = { open: ['closed'], closed: ['open', 'locked'], locked: ['closed'] };

describe('assertTransition', () => {
  it('allows the moves in the table and refuses the others with InvalidStateError', () => {
    expect(() => { assertTransition('door', DOOR, 'closed', 'locked'); }).not.toThrow();
    expect(() => { assertTransition('door', DOOR, 'open', 'locked'); }).toThrow(InvalidStateError);
    expect(() => { assertTransition('door', DOOR, 'open', 'locked'); }).toThrow('door: illegal transition open → locked');
  });
});
