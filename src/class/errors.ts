import { HttpError } from '../api/http-error.ts';

/** An error the class server answers with its status and `{ error: { code, message } }`. */
export class ClassError extends HttpError {
  override name = 'ClassError';
}

export const badRequest = (code: string, message: string) => new ClassError(400, code, message);
