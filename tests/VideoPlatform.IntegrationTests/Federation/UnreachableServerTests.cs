using System.Net.Http.Json;
using System.Text.Json;
using VideoPlatform.Federation.Delivery;
using VideoPlatform.IntegrationTests.Infrastructure;
using static VideoPlatform.IntegrationTests.Federation.FederationHarness;

namespace VideoPlatform.IntegrationTests.Federation;

/// <summary>
/// A follower that stays down is marked unreachable: deliveries to it wait for the next probe instead of being tried each
/// time, nothing is dropped, and it is caught up as soon as it answers a probe or POSTs to us.
/// </summary>
[Category("Federation")]
[Category("Http")]
[NonParallelizable]
public sealed class UnreachableServerTests
{
    private sealed record Health(bool Unreachable, int FailedDeliveries, DateTimeOffset? UnreachableSince, DateTimeOffset? NextProbeAt);

    private static async Task<Health?> HealthAsync(TestInstance instance, string list, string otherHost)
    {
        var json = await instance.Http.GetFromJsonAsync<JsonElement>($"/api/v1/server/{list}?count=100");
        foreach (var f in json.GetProperty("data").EnumerateArray())
        {
            var server = f.GetProperty("server");
            if (server.GetProperty("host").GetString() == otherHost)
            {
                return new Health(
                    server.GetProperty("unreachable").GetBoolean(),
                    server.GetProperty("failedDeliveries").GetInt32(),
                    server.GetProperty("unreachableSince").ValueKind == JsonValueKind.Null ? null : server.GetProperty("unreachableSince").GetDateTimeOffset(),
                    server.GetProperty("nextProbeAt").ValueKind == JsonValueKind.Null ? null : server.GetProperty("nextProbeAt").GetDateTimeOffset());
            }
        }
        return null;
    }

    private static string[] Marking(string probeInterval) =>
        ["--Federation:UnreachableAfterFailures", "2", "--Federation:UnreachableAfter", "00:00:01", "--Federation:UnreachableProbeInterval", probeInterval];

    [Test]
    public async Task Deliveries_to_an_unreachable_follower_wait_for_the_probe_and_all_arrive_when_it_answers()
    {
        await using var paris = await StartAsync(Marking("00:00:08"));
        await using var creteil = await StartAsync();
        await FollowAsync(creteil, paris);
        Assert.That((await HealthAsync(paris, "followers", creteil.Host))!.Unreachable, Is.False);

        await creteil.StopAsync();
        var first = await paris.PublishVideoAsync("root_channel", "Pendant la panne 1");
        var marked = await EventuallyAsync(async () => await HealthAsync(paris, "followers", creteil.Host) is { Unreachable: true } h ? h : null,
            "the follower marked unreachable");
        Assert.Multiple(() =>
        {
            Assert.That(marked.FailedDeliveries, Is.GreaterThanOrEqualTo(2));
            Assert.That(marked.NextProbeAt, Is.GreaterThan(marked.UnreachableSince!.Value));
        });
        var second = await paris.PublishVideoAsync("root_channel", "Pendant la panne 2");

        // The pending delivery is put back until the probe, with the reason visible, and no attempt is made meanwhile.
        await EventuallyAsync(async () => await CountAsync(paris,
            $"SELECT COUNT(*) FROM jobs WHERE type = '{DeliveryJob.JobType}' AND state = 0 AND last_error LIKE '%unreachable%deferred until the next probe%'") > 0,
            "a deferred delivery");
        var failuresAtDeferral = (await HealthAsync(paris, "followers", creteil.Host))!;
        await Task.Delay(TimeSpan.FromSeconds(2));
        var later = (await HealthAsync(paris, "followers", creteil.Host))!;
        if (DateTimeOffset.UtcNow < failuresAtDeferral.NextProbeAt)
        {
            Assert.That(later.FailedDeliveries, Is.EqualTo(failuresAtDeferral.FailedDeliveries), "no delivery is attempted before the probe");
        }
        Assert.That(await CountAsync(paris, $"SELECT COUNT(*) FROM jobs WHERE type = '{DeliveryJob.JobType}' AND state = 3"), Is.Zero, "nothing given up");

        // Back: the next probe goes through, the mark is cleared, and everything deferred is delivered in order.
        await creteil.RestartAsync();
        await EventuallyAsync(async () => await RemoteVideoAsync(creteil, first.Name) is not null && await RemoteVideoAsync(creteil, second.Name) is not null,
            "deliveries after the probe", seconds: 60);
        var healed = (await HealthAsync(paris, "followers", creteil.Host))!;
        Assert.Multiple(() =>
        {
            Assert.That(healed.Unreachable, Is.False);
            Assert.That(healed.FailedDeliveries, Is.Zero);
            Assert.That(healed.NextProbeAt, Is.Null);
        });
    }

    [TestCase(DbKind.Sqlite)]
    [TestCase(DbKind.Postgres)]
    public async Task A_signed_POST_from_an_unreachable_server_clears_the_mark_before_the_probe(DbKind kind)
    {
        // The probe is an hour away: only the inbox POST can bring the deliveries forward within the test's patience.
        await using var paris = await StartAsync(kind, Marking("01:00:00"));
        await using var creteil = await StartAsync(kind);
        await FollowAsync(creteil, paris);
        await FollowAsync(paris, creteil);

        await creteil.StopAsync();
        var during = await paris.PublishVideoAsync("root_channel", "Pendant la panne");
        await EventuallyAsync(async () => await HealthAsync(paris, "followers", creteil.Host) is { Unreachable: true }, "the follower marked unreachable");
        // The following list shows the same server's state.
        Assert.That((await HealthAsync(paris, "following", creteil.Host))!.Unreachable, Is.True);

        await creteil.RestartAsync();
        await creteil.PublishVideoAsync("root_channel", "Créteil est de retour");
        await EventuallyAsync(async () => await RemoteVideoAsync(creteil, during.Name) is not null, "the deferred delivery after Créteil's POST");
        Assert.That((await HealthAsync(paris, "followers", creteil.Host))!.Unreachable, Is.False);
    }
}
