// Every error leaves the API as {"error":{"code","message","details"?}} with a 4xx for client mistakes.
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const notFound = (what = "resource") => new ApiError(404, "NOT_FOUND", `${what} not found`);
export const badRequest = (code: string, message: string, details?: unknown) =>
  new ApiError(400, code, message, details);
