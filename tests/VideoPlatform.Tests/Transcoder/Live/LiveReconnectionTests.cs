using VideoPlatform.Transcoder.Live;

namespace VideoPlatform.Tests.Transcoder.Live;

public class LiveReconnectionTests
{
    [TestCase(LiveDisconnect.Dropped, 20, true, TestName = "a dropped publisher is waited for")]
    [TestCase(LiveDisconnect.Dropped, 0, false, TestName = "no grace configured: a drop ends the live")]
    [TestCase(LiveDisconnect.Unpublished, 20, false, TestName = "a publisher that says it stops ends the live at once")]
    [TestCase(LiveDisconnect.Expired, 20, false, TestName = "the max duration ends the live at once")]
    [TestCase(LiveDisconnect.TranscoderFailed, 20, false, TestName = "a failed transcoder ends the live at once")]
    [TestCase(LiveDisconnect.Stopping, 20, false, TestName = "a stopping instance ends the live at once")]
    public void Only_a_dropped_publisher_is_waited_for(LiveDisconnect how, int graceSeconds, bool waits) =>
        Assert.That(LiveReconnection.WaitsForPublisher(how, TimeSpan.FromSeconds(graceSeconds)), Is.EqualTo(waits));

    [Test]
    public void The_first_connection_keeps_its_timestamps()
    {
        var timeline = new FlvTimeline();
        Assert.That(new uint[] { 0, 0, 40, 23, 80, 46 }.Select(timeline.Map), Is.EqualTo(new uint[] { 0, 0, 40, 23, 80, 46 }));
    }

    [Test]
    public void A_reconnected_publisher_continues_after_the_last_tag_written()
    {
        var timeline = new FlvTimeline();
        foreach (var ts in new uint[] { 0, 40, 80, 120, 100 })
        {
            timeline.Map(ts);
        }
        timeline.Reconnected();
        // The new connection starts again from 0 (metadata, sequence headers, then frames and interleaved audio).
        var mapped = new uint[] { 0, 0, 40, 21, 80 }.Select(timeline.Map).ToArray();
        Assert.That(mapped, Is.EqualTo(new uint[] { 160, 160, 200, 181, 240 }));
        // A second drop continues from the highest timestamp written, not the last one.
        timeline.Reconnected();
        Assert.That(timeline.Map(5000), Is.EqualTo(240 + FlvTimeline.ReconnectionStep));
    }

    [Test]
    public void A_publisher_that_resumes_with_later_timestamps_is_brought_back_next_to_the_previous_ones()
    {
        var timeline = new FlvTimeline();
        timeline.Map(1000);
        timeline.Reconnected();
        Assert.That((timeline.Map(90_000), timeline.Map(90_040)), Is.EqualTo((1040u, 1080u)));
    }

    [Test]
    public void A_reconnection_before_any_tag_changes_nothing()
    {
        var timeline = new FlvTimeline();
        timeline.Reconnected();
        Assert.That(timeline.Map(500), Is.EqualTo(500u));
    }
}
