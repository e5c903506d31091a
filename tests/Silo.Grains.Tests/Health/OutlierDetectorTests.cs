using Microsoft.Extensions.Time.Testing;
using Silo.Grains.Health;
using Silo.TestKit;

namespace Silo.Grains.Tests.Health;

public sealed class OutlierDetectorTests
{
    private static readonly string[] Four = ["http://a", "http://b", "http://c", "http://d"];

    private readonly FakeTimeProvider _time = new();

    private OutlierDetector Create(
        IEnumerable<string>? endpoints = null,
        int consecutiveFailures = 5,
        int baseSeconds = 30,
        int maxSeconds = 300,
        int maxPercent = 50,
        bool unejectOnHealthyCheck = true) =>
        new(
            new OutlierDetectionOptions
            {
                ConsecutiveFailures = consecutiveFailures,
                BaseEjectionTime = TimeSpan.FromSeconds(baseSeconds),
                MaxEjectionTime = TimeSpan.FromSeconds(maxSeconds),
                MaxEjectionPercent = maxPercent,
                UnejectOnHealthyCheck = unejectOnHealthyCheck,
            },
            _time,
            endpoints ?? Four);

    private static EndpointOutcomes Failures(int count) => new(0, count, count);

    [Fact]
    public void Options_Defaults_AreEnvoyLike()
    {
        var options = new OutlierDetectionOptions();

        Assert.Equal(5, options.ConsecutiveFailures);
        Assert.Equal(TimeSpan.FromSeconds(30), options.BaseEjectionTime);
        Assert.Equal(TimeSpan.FromSeconds(300), options.MaxEjectionTime);
        Assert.Equal(50, options.MaxEjectionPercent);
        Assert.True(options.UnejectOnHealthyCheck);
    }

    [Theory]
    [InlineData(0, 30, 300, 50, "ConsecutiveFailures")]
    [InlineData(5, 0, 300, 50, "BaseEjectionTime")]
    [InlineData(5, 30, 20, 50, "MaxEjectionTime")]
    [InlineData(5, 30, 300, 101, "MaxEjectionPercent")]
    [InlineData(5, 30, 300, -1, "MaxEjectionPercent")]
    public void Options_OutOfRange_AreRejected_NamingTheSetting(int failures, int baseSeconds, int maxSeconds, int percent, string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Create(null, failures, baseSeconds, maxSeconds, percent));

        Assert.StartsWith(name + " must be", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_FewerConsecutiveFailuresThanTheThreshold_DoesNotEject()
    {
        var detector = Create();

        Assert.False(detector.Record("http://a", Failures(4)));
        Assert.False(detector.IsEjected("http://a"));
        Assert.Equal(4, detector.GetStatus("http://a").ConsecutiveFailures);
    }

    [Fact]
    public void Record_ThresholdReached_Ejects()
    {
        var detector = Create();

        Assert.True(detector.Record("http://a", Failures(5)));

        Assert.True(detector.IsEjected("http://a"));
        Assert.Equal(1, detector.EjectedCount);
        Assert.Equal(new OutlierStatus(Ejected: true, TimeSpan.FromSeconds(30), 5, 1), detector.GetStatus("http://a"));
    }

    [Fact]
    public void Record_RunAcrossBatchesAndFrontEnds_Adds()
    {
        var detector = Create();

        detector.Record("http://a", new EndpointOutcomes(Successes: 7, Failures: 3, TrailingFailures: 2));
        detector.Record("http://a", Failures(2));

        Assert.True(detector.Record("http://a", Failures(1)));
    }

    [Fact]
    public void Record_ASuccess_RestartsTheRun_AtTheTrailingFailures()
    {
        var detector = Create();
        detector.Record("http://a", Failures(4));

        Assert.False(detector.Record("http://a", new EndpointOutcomes(Successes: 1, Failures: 4, TrailingFailures: 1)));

        Assert.Equal(1, detector.GetStatus("http://a").ConsecutiveFailures);
        Assert.False(detector.Record("http://a", Failures(3)));
        Assert.True(detector.Record("http://a", Failures(1)));
    }

    [Fact]
    public void Record_SuccessesOnly_ResetTheRun()
    {
        var detector = Create();
        detector.Record("http://a", Failures(4));

        detector.Record("http://a", new EndpointOutcomes(3, 0, 0));

        Assert.Equal(0, detector.GetStatus("http://a").ConsecutiveFailures);
    }

    [Fact]
    public void Ejection_EndsAfterTheBaseTime_AndTheRunRestarts()
    {
        var detector = Create();
        detector.Record("http://a", Failures(5));

        _time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.True(detector.IsEjected("http://a"));
        _time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.False(detector.IsEjected("http://a"));
        Assert.Equal(0, detector.GetStatus("http://a").ConsecutiveFailures);
        Assert.False(detector.Record("http://a", Failures(4)));
    }

    [Fact]
    public void Ejection_GrowsWithEachEjectionInARow_UpToTheMaximum()
    {
        var detector = Create(baseSeconds: 30, maxSeconds: 100);
        var lengths = new List<TimeSpan>();

        for (var i = 0; i < 5; i++)
        {
            Assert.True(detector.Record("http://a", Failures(5)));
            var length = detector.GetStatus("http://a").EjectedFor;
            lengths.Add(length);
            _time.Advance(length);
        }

        Assert.Equal([30, 60, 90, 100, 100], lengths.Select(l => l.TotalSeconds));
    }

    [Fact]
    public void Ejection_Multiplier_DecaysOnePerBaseTimeAdmitted()
    {
        var detector = Create(baseSeconds: 30);
        detector.Record("http://a", Failures(5));
        _time.Advance(TimeSpan.FromSeconds(30));
        detector.Record("http://a", Failures(5));
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2, detector.GetStatus("http://a").Ejections);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, detector.GetStatus("http://a").Ejections);

        // The next ejection is the second in a row again, not the third.
        detector.Record("http://a", Failures(5));
        Assert.Equal(TimeSpan.FromSeconds(60), detector.GetStatus("http://a").EjectedFor);
    }

    [Fact]
    public void Record_WhileEjected_IsIgnored()
    {
        var detector = Create();
        detector.Record("http://a", Failures(5));

        Assert.False(detector.Record("http://a", Failures(50)));
        Assert.False(detector.Record("http://a", new EndpointOutcomes(10, 0, 0)));

        Assert.Equal(TimeSpan.FromSeconds(30), detector.GetStatus("http://a").EjectedFor);
    }

    [Theory]
    [InlineData(4, 50, 2)]
    [InlineData(3, 50, 1)]
    [InlineData(2, 50, 1)]
    [InlineData(10, 10, 1)]
    [InlineData(3, 10, 1)]
    [InlineData(4, 100, 3)]
    [InlineData(5, 40, 2)]
    public void Ejection_IsCapped_ByPercent_AtLeastOne_NeverAll(int endpoints, int percent, int expectedMax)
    {
        var urls = Enumerable.Range(0, endpoints).Select(i => "http://e" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var detector = Create(urls, maxPercent: percent);

        foreach (var url in urls)
        {
            detector.Record(url, Failures(5));
        }

        Assert.Equal(expectedMax, detector.EjectedCount);
    }

    [Fact]
    public void Ejection_SingleEndpoint_NeverEjected()
    {
        var detector = Create(["http://only"]);

        Assert.False(detector.Record("http://only", Failures(100)));
        Assert.False(detector.IsEjected("http://only"));
    }

    [Fact]
    public void Ejection_PercentZero_TurnsItOff()
    {
        var detector = Create(maxPercent: 0);

        Assert.False(detector.Record("http://a", Failures(100)));
        Assert.Equal(0, detector.EjectedCount);
    }

    [Fact]
    public void Ejection_HeldBackByTheCap_HappensOnTheNextFailureOnceThereIsRoom()
    {
        var detector = Create(["http://a", "http://b"], baseSeconds: 30);
        Assert.True(detector.Record("http://a", Failures(5)));
        Assert.False(detector.Record("http://b", Failures(5)));
        Assert.Equal(5, detector.GetStatus("http://b").ConsecutiveFailures);

        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(detector.Record("http://b", Failures(1)));
        Assert.False(detector.IsEjected("http://a"));
    }

    [Fact]
    public void NextAdmission_IsTheSoonestEjectionEnd()
    {
        var detector = Create();
        Assert.Null(detector.NextAdmission);

        detector.Record("http://a", Failures(5));
        _time.Advance(TimeSpan.FromSeconds(10));
        detector.Record("http://b", Failures(5));

        Assert.Equal(TimeSpan.FromSeconds(20), detector.NextAdmission);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(TimeSpan.FromSeconds(10), detector.NextAdmission);
    }

    [Fact]
    public void Version_GrowsOnEjectionAndOnTimedAdmission()
    {
        var detector = Create();
        var initial = detector.Version;

        detector.Record("http://a", Failures(5));
        var ejected = detector.Version;
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(initial < ejected && ejected < detector.Version);
    }

    [Fact]
    public void SetEndpoints_KeepsTheStateOfRemainingEndpoints_AndForgetsRemovedOnes()
    {
        var detector = Create();
        detector.Record("http://a", Failures(5));
        detector.Record("http://b", Failures(3));

        detector.SetEndpoints(["http://a", "http://b", "http://e"]);

        Assert.True(detector.IsEjected("http://a"));
        Assert.Equal(3, detector.GetStatus("http://b").ConsecutiveFailures);
        Assert.Equal(0, detector.GetStatus("http://e").ConsecutiveFailures);
        Assert.False(detector.Record("http://c", Failures(5)));
        Assert.Throws<KeyNotFoundException>(() => detector.GetStatus("http://c"));
    }

    [Fact]
    public void RecordHealthyCheck_EndsAnEjectionAtOnce_AndTheRunRestarts()
    {
        var detector = Create(baseSeconds: 30);
        detector.Record("http://a", Failures(5));
        _time.Advance(TimeSpan.FromSeconds(1));
        var before = detector.Version;

        Assert.True(detector.RecordHealthyCheck("http://a"));

        Assert.False(detector.IsEjected("http://a"));
        Assert.Equal(new OutlierStatus(Ejected: false, TimeSpan.Zero, 0, 1), detector.GetStatus("http://a"));
        Assert.True(detector.Version > before);
        Assert.Null(detector.NextAdmission);
        Assert.False(detector.Record("http://a", Failures(4)));
        Assert.True(detector.Record("http://a", Failures(1)));
    }

    [Fact]
    public void RecordHealthyCheck_KeepsTheMultiplier_SoAFlappingEndpointIsEjectedForLonger()
    {
        var detector = Create(baseSeconds: 30, maxSeconds: 300);
        detector.Record("http://a", Failures(5));
        detector.RecordHealthyCheck("http://a");

        // Its health path passes while its calls keep failing: the next ejection is the second in a row.
        Assert.True(detector.Record("http://a", Failures(5)));
        Assert.Equal(TimeSpan.FromSeconds(60), detector.GetStatus("http://a").EjectedFor);

        // Once admitted, the multiplier decays from the un-ejection on, one per base time.
        detector.RecordHealthyCheck("http://a");
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, detector.GetStatus("http://a").Ejections);
    }

    [Fact]
    public void RecordHealthyCheck_WithUnejectOff_LeavesTheEjectionToItsTime()
    {
        var detector = Create(baseSeconds: 30, unejectOnHealthyCheck: false);
        detector.Record("http://a", Failures(5));
        var version = detector.Version;

        Assert.False(detector.RecordHealthyCheck("http://a"));

        Assert.True(detector.IsEjected("http://a"));
        Assert.Equal(version, detector.Version);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(detector.RecordHealthyCheck("http://a"));
        Assert.True(detector.IsEjected("http://a"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(detector.IsEjected("http://a"));
    }

    [Fact]
    public void RecordHealthyCheck_NotEjectedOrUnknown_ChangesNothing()
    {
        var detector = Create();
        detector.Record("http://a", Failures(3));
        var version = detector.Version;

        Assert.False(detector.RecordHealthyCheck("http://a"));
        Assert.False(detector.RecordHealthyCheck("http://zzz"));

        Assert.Equal(version, detector.Version);

        // A healthy check is not a successful call: the failure run stands.
        Assert.Equal(3, detector.GetStatus("http://a").ConsecutiveFailures);
    }

    [Fact]
    public void Record_UnknownEndpoint_IsIgnored()
    {
        var detector = Create();

        Assert.False(detector.Record("http://zzz", Failures(10)));
        Assert.False(detector.IsEjected("http://zzz"));
    }

    [Fact]
    public void Record_InconsistentBatch_IsRejected()
    {
        var detector = Create();

        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Record("http://a", new EndpointOutcomes(1, 2, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.Record("http://a", new EndpointOutcomes(-1, 0, 0)));
    }
}
