#!/usr/bin/env bash
# Runs one entrusted-care case through the example workflow on a fresh embedded database
# (./demo.redb by default; your ./wardflow.redb is never touched).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
wardflow() { ./target/debug/wardflow "$@"; }
export WARDFLOW_DB="${WARDFLOW_DB:-./demo.redb}" WARDFLOW_WORKFLOWS=./workflows WARDFLOW_USER="${WARDFLOW_USER:-张敏}"
rm -f "$WARDFLOW_DB"

echo "== 初始化数据库并发布流程"
wardflow init
echo "== 父母外出务工，向村委会报告备案"
case_id=$(wardflow case open example-care --as parent \
  --set child.name=李小明 --set child.birth_date=2018-05-01 --set parent.name=李强 \
  --set "departure_at=$(TZ=Asia/Shanghai date -d '-1 hour' '+%Y-%m-%d %H:%M')")
echo "案件编号：$case_id"
echo "== 被委托人未成年：系统拒绝并说明依据"
wardflow case advance "$case_id" sign_agreement --as village_committee \
  --set carer.name=李小红 --set carer.birth_date=2010-01-01 --set carer.relation=relative || true
echo "== 祖母作为被委托人签订协议"
wardflow case advance "$case_id" sign_agreement --as village_committee \
  --set carer.name=王秀英 --set carer.birth_date=1960-03-02 --set carer.relation=grandparent
echo "== 父亲每周联系"
wardflow case advance "$case_id" log_contact --as parent --note "视频通话，孩子状态良好"
echo "== 现在可以做什么"
wardflow case next "$case_id"
echo "== 案件详情"
wardflow case show "$case_id"
echo "== 案件记录"
wardflow case history "$case_id"
