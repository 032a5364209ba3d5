import { zxcvbn, zxcvbnOptions } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import { AppError } from '../../common/errors/app-error';

zxcvbnOptions.setOptions({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });

export const MIN_PASSWORD_LENGTH = 10;
/** zxcvbn score 3: "safely unguessable", resists an offline slow-hash attack. */
const MIN_SCORE = 3;

/** Refuses short or guessable passwords, counting the user's own email and name as guessable. */
export function assertStrongPassword(password: string, userInputs: string[]): void {
  const fail = (message: string) =>
    new AppError('weak_password', message, { fields: [{ field: 'password', messages: [message] }] });
  if (password.length < MIN_PASSWORD_LENGTH) throw fail(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  const result = zxcvbn(password, userInputs);
  if (result.score < MIN_SCORE) {
    const hint = result.feedback.warning || result.feedback.suggestions[0] || 'add more unrelated words';
    throw fail(`password is too easy to guess: ${hint}`);
  }
}
