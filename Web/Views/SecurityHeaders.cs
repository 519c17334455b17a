namespace DeskVision.Web.Views;

/// <summary>Headers every response carries: no sniffing, no framing (clickjacking), no referrer leaks, only our own assets.</summary>
public static class SecurityHeaders
{
    public static void UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var h = context.Response.Headers;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        // Pages are server-rendered with inline <style>; scripts and images come only from the app itself.
        if (!context.Request.Path.StartsWithSegments("/hangfire"))
            h.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'";
        await next();
    });
}
