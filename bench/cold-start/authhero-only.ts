import { init } from "authhero";

/** Evaluates AuthHero's module and nothing else, to split its share of the cold start from ours. */
export const handler = async () => ({ statusCode: 200, body: typeof init });
