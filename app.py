"""沙坪坝 项目一张图: the Streamlit page (widgets only; logic lives in projects/ and geo/)."""

import streamlit as st

st.set_page_config(page_title="沙坪坝 项目一张图", layout="wide")
st.title("沙坪坝 项目一张图")
st.info("地图建设中。")
