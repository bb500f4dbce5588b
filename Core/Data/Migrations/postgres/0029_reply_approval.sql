-- PeerTube's replyApproval: the ApproveReply activity by which a remote lesson's owner approved one of our comments.
ALTER TABLE video_comments ADD COLUMN reply_approval TEXT NULL;
