using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Resources;
using DeskVision.Web.Views;
using Microsoft.AspNetCore.Components;

namespace DeskVision.Web.Components;

/// <summary>
/// What every page component has at hand (static server rendering: one render per request): the request, the signed-in
/// user, the words of the request's language (<c>T["Key"]</c>), the hall's local time, and the database of the request.
/// A page inherits it with <c>@inherits DeskPage</c> and loads its data in <see cref="LoadAsync"/>.
/// </summary>
public abstract class DeskPage : ComponentBase
{
    [CascadingParameter] public HttpContext Http { get; set; } = null!;
    [Inject] public DeskVisionDb Db { get; set; } = null!;
    [Inject] public NavigationManager Navigation { get; set; } = null!;

    protected Text T => Text.From(Http);
    /// <summary>The signed-in user; pages that allow anonymous users check <see cref="SignedIn"/> first.</summary>
    protected CurrentUser User => CurrentUser.From(Http.User)!;
    protected bool SignedIn => CurrentUser.From(Http.User) is not null;
    protected HallTime Time { get; private set; } = null!;
    protected CancellationToken Aborted => Http.RequestAborted;

    protected sealed override async Task OnInitializedAsync()
    {
        Time = await HallTime.ForAsync(Http);
        await LoadAsync();
    }

    /// <summary>Loads what the page shows. <see cref="NotFound"/> answers 404 with the app's own page.</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;

    /// <summary>
    /// The record is not there, or not for this user: the app's 404 page in place of this one (the same answer either
    /// way, so ids cannot be probed). The page's markup still guards its nulls with <see cref="Missing"/>.
    /// </summary>
    protected void NotFound()
    {
        Missing = true;
        Navigation.NotFound();
    }

    protected bool Missing { get; private set; }
}
