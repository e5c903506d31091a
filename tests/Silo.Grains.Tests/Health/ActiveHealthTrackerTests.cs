using Silo.Grains.Health;

namespace Silo.Grains.Tests.Health;

public sealed class ActiveHealthTrackerTests
{
    private static ActiveHealthTracker Create(int healthy = 2, int unhealthy = 3, params string[] endpoints) =>
        new(
            new ActiveHealthCheckOptions { HealthyThreshold = healthy, UnhealthyThreshold = unhealthy },
            endpoints.Length == 0 ? ["http://a", "http://b"] : endpoints);

    private static void Checks(ActiveHealthTracker tracker, string endpoint, bool passed, int count)
    {
        for (var i = 0; i < count; i++)
        {
            tracker.RecordCheck(endpoint, passed);
        }
    }

    [Fact]
    public void Options_Defaults()
    {
        var options = new ActiveHealthCheckOptions();

        Assert.Equal("/health", options.Path);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Interval);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Timeout);
        Assert.Equal(2, options.HealthyThreshold);
        Assert.Equal(3, options.UnhealthyThreshold);
    }

    [Fact]
    public void Options_OutOfRange_AreRejected_NamingTheSetting()
    {
        static string Message(ActiveHealthCheckOptions options) =>
            Assert.Throws<ArgumentOutOfRangeException>(() => new ActiveHealthTracker(options, [])).Message;

        Assert.StartsWith("Path ", Message(new ActiveHealthCheckOptions { Path = "health" }), StringComparison.Ordinal);
        Assert.StartsWith("Interval ", Message(new ActiveHealthCheckOptions { Interval = TimeSpan.FromMilliseconds(10) }), StringComparison.Ordinal);
        Assert.StartsWith("Timeout ", Message(new ActiveHealthCheckOptions { Timeout = TimeSpan.FromSeconds(6) }), StringComparison.Ordinal);
        Assert.StartsWith("HealthyThreshold ", Message(new ActiveHealthCheckOptions { HealthyThreshold = 0 }), StringComparison.Ordinal);
        Assert.StartsWith("UnhealthyThreshold ", Message(new ActiveHealthCheckOptions { UnhealthyThreshold = 0 }), StringComparison.Ordinal);
    }

    [Fact]
    public void NewEndpoints_StartHealthy()
    {
        var tracker = Create();

        Assert.Equal(EndpointHealth.Healthy, tracker.GetHealth("http://a"));
        Assert.Equal(2, tracker.HealthyCount);
    }

    [Fact]
    public void FailedChecks_BelowTheThreshold_KeepItHealthy()
    {
        var tracker = Create(unhealthy: 3);

        Checks(tracker, "http://a", passed: false, 2);

        Assert.True(tracker.IsHealthy("http://a"));
    }

    [Fact]
    public void FailedChecks_AtTheThreshold_MakeItUnhealthy()
    {
        var tracker = Create(unhealthy: 3);
        Checks(tracker, "http://a", passed: false, 2);

        Assert.True(tracker.RecordCheck("http://a", passed: false));

        Assert.Equal(EndpointHealth.Unhealthy, tracker.GetHealth("http://a"));
        Assert.True(tracker.IsHealthy("http://b"));
        Assert.Equal(1, tracker.HealthyCount);
    }

    [Fact]
    public void APassedCheck_InterruptsTheFailedRun()
    {
        var tracker = Create(unhealthy: 3);

        Checks(tracker, "http://a", passed: false, 2);
        tracker.RecordCheck("http://a", passed: true);
        Checks(tracker, "http://a", passed: false, 2);

        Assert.True(tracker.IsHealthy("http://a"));
    }

    [Fact]
    public void Unhealthy_BecomesHealthy_AfterThePassedThreshold_InARow()
    {
        var tracker = Create(healthy: 2, unhealthy: 1);
        tracker.RecordCheck("http://a", passed: false);

        Assert.False(tracker.RecordCheck("http://a", passed: true));
        Assert.False(tracker.RecordCheck("http://a", passed: false));
        Assert.False(tracker.RecordCheck("http://a", passed: true));
        Assert.True(tracker.RecordCheck("http://a", passed: true));

        Assert.True(tracker.IsHealthy("http://a"));
    }

    [Fact]
    public void Version_GrowsOnlyWhenAStandingChanges()
    {
        var tracker = Create(unhealthy: 2);
        var initial = tracker.Version;

        tracker.RecordCheck("http://a", passed: true);
        tracker.RecordCheck("http://a", passed: false);
        Assert.Equal(initial, tracker.Version);

        tracker.RecordCheck("http://a", passed: false);
        Assert.Equal(initial + 1, tracker.Version);
    }

    [Fact]
    public void SetEndpoints_KeepsStandings_NewOnesHealthy()
    {
        var tracker = Create(unhealthy: 1);
        tracker.RecordCheck("http://a", passed: false);

        tracker.SetEndpoints(["http://a", "http://c"]);

        Assert.False(tracker.IsHealthy("http://a"));
        Assert.True(tracker.IsHealthy("http://c"));
        Assert.False(tracker.IsHealthy("http://b"));
        Assert.False(tracker.RecordCheck("http://b", passed: false));
        Assert.Throws<KeyNotFoundException>(() => tracker.GetHealth("http://b"));
    }
}
