// Starts N academy instances (default 35) on 127.0.0.1, each with its own data folder, makes them all follow each
// other, prints their URLs, and runs until Ctrl+C. Usage: scripts/academies.sh [N] [--data DIR] [--port FIRST_PORT]
using System.Globalization;
using VideoPlatform.Tools;

var count = 35;
var dataRoot = Path.GetFullPath("academies-data");
var basePort = 9100;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--data":
            dataRoot = Path.GetFullPath(args[++i]);
            break;
        case "--port":
            basePort = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        default:
            count = int.Parse(args[i], CultureInfo.InvariantCulture);
            break;
    }
}
if (count is < 1 or > 200)
{
    Console.Error.WriteLine("N must be between 1 and 200.");
    return 2;
}

using var stop = new CancellationTokenSource();
// Ctrl+C and SIGTERM (service managers, timeout) both stop every academy cleanly.
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);

Console.Write($"Starting {count} academies in {dataRoot} ");
await using var fleet = await AcademyFleet.StartAsync(count, dataRoot, basePort, Console.Out, stop.Token);
Console.WriteLine("Following each other…");
var started = System.Diagnostics.Stopwatch.StartNew();
await fleet.FollowAllAsync(TimeSpan.FromMinutes(5), stop.Token);
Console.WriteLine($"All {count * (count - 1)} follows accepted in {started.Elapsed.TotalSeconds:F1} s.");
Console.WriteLine();
Console.WriteLine("| académie | URL | admin |");
Console.WriteLine("|---|---|---|");
foreach (var academy in fleet.Academies)
{
    Console.WriteLine($"| {academy.Name} | {academy.BaseUrl} | root / {AcademyFleet.AdminPassword} |");
}
Console.WriteLine();
Console.WriteLine("Ctrl+C stops them all (data stays in the folder; the next start reuses it).");
try
{
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException)
{
}
return 0;

void Stop(System.Runtime.InteropServices.PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
