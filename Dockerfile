# One image for every role: web, federation, p2p, transcoder (set Roles).
FROM mcr.microsoft.com/dotnet/sdk:10.0-bookworm-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN dotnet publish Api/Api.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
ENV VP_Storage__Root=/data
VOLUME /data
EXPOSE 9000
ENTRYPOINT ["dotnet", "VideoPlatform.Api.dll", "--urls", "http://0.0.0.0:9000"]
