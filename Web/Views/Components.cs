using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace DeskVision.Web.Views;

/// <summary>
/// Renders a Razor component to HTML on the server (static rendering, no circuit), so a page's body is a component
/// with its HTML encoded by Razor rather than built in strings. The body goes into the app's one page frame.
/// </summary>
public static class Components
{
    public static async Task<string> RenderAsync<T>(HttpContext http, IDictionary<string, object?> parameters) where T : IComponent
    {
        await using var renderer = new HtmlRenderer(http.RequestServices, http.RequestServices.GetRequiredService<ILoggerFactory>());
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<T>(ParameterView.FromDictionary(parameters))).ToHtmlString());
    }
}
