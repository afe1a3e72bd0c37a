/**
 * Drives AuthHero's classic universal login pages over plain HTTP, the way
 * a browser without JavaScript would: follow redirects, keep cookies, and
 * post the identifier and password forms.
 */
export class LoginDriver {
  private readonly cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const separator = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, separator).trim(), pair!.slice(separator + 1).trim());
    }
    return response;
  }

  /** Follows redirects until one leaves `origin` or a page is returned. */
  async follow(url: string, origin: string, init: RequestInit = {}): Promise<{ url: string; response: Response }> {
    let current = url;
    let response = await this.request(current, init);
    for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 10; hops++) {
      current = new URL(response.headers.get("location")!, current).toString();
      if (!current.startsWith(origin)) return { url: current, response };
      response = await this.request(current);
    }
    return { url: current, response };
  }

  /**
   * Signs in from an authorization URL and returns where the server
   * redirected the browser at the end (the client's redirect URI).
   */
  async signIn(authorizationUrl: string, username: string, password: string): Promise<{ url: string; response: Response }> {
    const origin = new URL(authorizationUrl).origin;
    const identifierPage = await this.follow(authorizationUrl, origin);
    const passwordPage = await this.follow(identifierPage.url, origin, form({ username }));
    return this.follow(passwordPage.url, origin, form({ username, password }));
  }
}

export function form(fields: Record<string, string>): RequestInit {
  return { method: "POST", body: new URLSearchParams(fields), headers: { "content-type": "application/x-www-form-urlencoded" } };
}
