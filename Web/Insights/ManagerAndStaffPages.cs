using DeskVision.Web.MyDesk;
using DeskVision.Web.Notifications;
using DeskVision.Web.Review;
using DeskVision.Web.Zones;

namespace DeskVision.Web.Insights;

/// <summary>
/// Everything the manager and staff pages add (issue 7), mapped with one line in Hosts. Each group names its own policy
/// (Manager for heatmaps, trends, review, zones and webhooks; SignedIn for "my desk" and evidence pictures, narrowed by
/// the visibility filters); the zone editor's script is a public asset. Also puts the notification scan on the schedule.
/// </summary>
public static class ManagerAndStaffPages
{
    public static void MapManagerAndStaffPages(this IEndpointRouteBuilder app)
    {
        app.MapHeatmaps();
        app.MapTrends();
        app.MapEvidenceImages();
        app.MapReview();
        app.MapZoneEditor();
        app.MapMyDesk();
        app.MapNotifications();
    }
}
