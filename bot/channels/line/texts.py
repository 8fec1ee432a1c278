"""What the bot says on LINE beyond the handlers' answers (zh-TW)."""

from __future__ import annotations

JOINED = ("大家好，我是列管小幫手，協助會議秘書處追蹤決議事項的辦理情形。\n"
          "請向會議秘書處索取綁定碼，然後在本群組輸入「綁定 綁定碼」（例如「綁定 K7Q-42M」），"
          "本群組就會成為貴機關的聯絡群組。\n"
          "綁定後，我會定期在這裡提醒列管事項；直接回覆（引用）提醒訊息，或輸入「#案號 辦理情形…」即可回報。")
FOLLOWED = ("您好，我是列管小幫手，協助會議秘書處追蹤決議事項的辦理情形。\n"
            "輸入「說明」可以看到可用的指令；機關聯絡人請在機關的 LINE 群組中輸入「綁定 綁定碼」。")
DOWNLOAD_FAILED = "無法從 LINE 下載這個檔案，請再傳一次；也可以輸入「匯入」後貼上會議紀錄全文。"


def file_too_big(size: int) -> str:
    return (f"這個檔案有 {size / 1024 / 1024:.1f} MB，超過 20 MB，無法讀取。"
            "請傳送較小的檔案，或輸入「匯入」後貼上會議紀錄全文。")


def left(agency: str, chat: str) -> str:
    return (f"機器人已離開「{agency}」的 LINE 聊天室（{chat}），已解除綁定。"
            f"如需恢復，請重新邀請機器人加入，並用「綁定碼 {agency}」產生新的綁定碼。")
