using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace DeskVision.Web.Views;

/// <summary>
/// What a user sees when something fails: a plain page (or a problem+json for the API), never a stack trace. A database
/// that cannot be reached is 503 with Retry-After, because it is usually back soon and the audits wait in Hangfire.
/// </summary>
public static class ErrorPages
{
    public static void UseErrorPages(this IApplicationBuilder app) => app.UseExceptionHandler(error => error.Run(async context =>
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        bool databaseDown = IsDatabaseDown(exception);
        context.Response.StatusCode = databaseDown ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError;
        if (databaseDown) context.Response.Headers.RetryAfter = "10";
        string title = databaseDown ? "数据库暂不可用 · Database unavailable" : "出错了 · Something went wrong";
        string detail = databaseDown
            ? "The database cannot be reached right now. Scheduled audits are kept and will run when it is back; try again in a moment."
            : "The error was logged. Try again, or tell the administrator the time it happened.";
        if (context.Request.Path.StartsWithSegments("/api"))
            await Results.Problem(detail, title: title, statusCode: context.Response.StatusCode).ExecuteAsync(context);
        else
            await Html.Page(title, $"<h1>{Html.E(title)}</h1><p>{Html.E(detail)}</p>", context.Response.StatusCode).ExecuteAsync(context);
    }));

    public static bool IsDatabaseDown(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is PostgresException pg) return pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal);
            if (e is NpgsqlException or System.Net.Sockets.SocketException) return true;
        }
        return false;
    }
}
