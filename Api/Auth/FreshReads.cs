namespace VideoPlatform.Api.Auth;

/// <summary>
/// A value read by <c>read</c> in a run that starts after the caller asked: a caller never gets the result of a read
/// already under way when it arrived (it could predate a change the caller already knows of), and every caller that
/// arrives while a read runs shares the next one. Under load this is one read per round trip, whatever the number of requests.
/// </summary>
public sealed class FreshReads<T>(Func<CancellationToken, Task<T>> read)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource<T>? _next;
    private bool _running;

    public Task<T> ReadAsync()
    {
        TaskCompletionSource<T> result;
        lock (_gate)
        {
            if (_next is not null)
            {
                return _next.Task;
            }
            result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_running)
            {
                _next = result;
                return result.Task;
            }
            _running = true;
        }
        _ = RunAsync(result);
        return result.Task;
    }

    private async Task RunAsync(TaskCompletionSource<T> current)
    {
        while (true)
        {
            try
            {
                current.TrySetResult(await read(CancellationToken.None));
            }
#pragma warning disable CA1031 // every failure goes to the callers that share this read
            catch (Exception ex)
#pragma warning restore CA1031
            {
                current.TrySetException(ex);
            }
            lock (_gate)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }
                current = _next;
                _next = null;
            }
        }
    }
}
