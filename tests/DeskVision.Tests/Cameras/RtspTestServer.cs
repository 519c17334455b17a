using System.Diagnostics;
using System.Net.Sockets;

namespace DeskVision.Tests.Cameras;

/// <summary>
/// A real RTSP server on 127.0.0.1: GStreamer's, through Debian's Python (see the platform notes), streaming a COCO
/// photo as H.264 at 5 fps without end. Two servers in one process: one open, one that needs Basic auth.
/// </summary>
public sealed class RtspTestServer : IAsyncLifetime
{
    public const string User = "viewer";
    /// <summary>Has '@', ' ' and '/' so that it must be percent-encoded in a URL.</summary>
    public const string Password = "s3cret @/pass";

    private const string Script = """
        import sys
        import gi
        gi.require_version("Gst", "1.0")
        gi.require_version("GstRtspServer", "1.0")
        from gi.repository import Gst, GstRtspServer, GLib

        Gst.init(None)
        image, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
        launch = ("( multifilesrc location=\"%s\" loop=true caps=image/jpeg,framerate=1/1 ! jpegdec ! videoconvert"
                  " ! videorate ! video/x-raw,framerate=5/1 ! x264enc tune=zerolatency key-int-max=5"
                  " ! rtph264pay name=pay0 pt=96 config-interval=1 )" % image)

        def serve(auth=None):
            server = GstRtspServer.RTSPServer()
            server.set_address("127.0.0.1")
            server.set_service("0")
            factory = GstRtspServer.RTSPMediaFactory()
            factory.set_launch(launch)
            factory.set_shared(False)
            if auth is not None:
                factory.add_role_from_structure(Gst.Structure.from_string(
                    "viewer, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")[0])
                server.set_auth(auth)
            server.get_mount_points().add_factory("/cam", factory)
            server.attach(None)
            return server.get_bound_port()

        auth = GstRtspServer.RTSPAuth()
        viewer = GstRtspServer.RTSPToken.new()
        viewer.set_string("media.factory.role", "viewer")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), viewer)

        ports = (serve(), serve(auth))
        loop = GLib.MainLoop()
        # The test owns this process through stdin: when the test process goes, the server goes too.
        GLib.io_add_watch(0, GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP, lambda *a: loop.quit())
        print("%d %d" % ports, flush=True)
        loop.run()
        """;

    private readonly string folder = Directory.CreateTempSubdirectory("deskvision-rtsp-").FullName;
    private Process? server;

    public string Image { get; } = TestImages.First;

    /// <summary>rtsp://127.0.0.1:port/cam, open to anyone.</summary>
    public string OpenUrl { get; private set; } = "";

    /// <summary>rtsp://127.0.0.1:port/cam that answers 401 without the right user and password.</summary>
    public string SecuredUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        string script = Path.Combine(folder, "rtsp_server.py");
        await File.WriteAllTextAsync(script, Script);
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (string arg in (string[])[script, Image, User, Password]) start.ArgumentList.Add(arg);
        server = Process.Start(start)!;
        var errors = server.StandardError.ReadToEndAsync();

        string? line = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15));
        if (line is null)
            throw new InvalidOperationException($"RTSP test server did not start (are python3-gi and gir1.2-gst-rtsp-server-1.0 installed?): {await errors}");
        int[] ports = line.Split(' ').Select(int.Parse).ToArray();
        foreach (int port in ports) await WaitForPortAsync(port);
        OpenUrl = $"rtsp://127.0.0.1:{ports[0]}/cam";
        SecuredUrl = $"rtsp://127.0.0.1:{ports[1]}/cam";
    }

    private static async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            server.StandardInput.Close(); // the script quits when its stdin closes
            try { await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(2)); }
            catch (TimeoutException) { server.Kill(entireProcessTree: true); }
            server.Dispose();
        }
        Directory.Delete(folder, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class RtspServerCollection : ICollectionFixture<RtspTestServer>
{
    public const string Name = "RTSP server";
}
